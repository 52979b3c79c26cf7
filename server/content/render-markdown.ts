import "server-only";
import { micromark } from "micromark";
import type { Extension } from "micromark-util-types";
import { gfm, gfmHtml } from "micromark-extension-gfm";

/**
 * No images: an image in an update would make every reader's browser fetch
 * it from wherever its URL points, and the public pages load nothing from
 * another site. `![alt](url)` then reads as "!" and a plain link.
 */
const NO_IMAGES: Extension = { disable: { null: ["labelStartImage"] } };

/**
 * CommonMark (+ GitHub's tables, strikethrough and autolinks) to HTML with
 * micromark's safe defaults (decision 0021): raw HTML in the source is shown
 * as text, and links with a dangerous protocol (`javascript:`, `data:`,
 * `vbscript:`) lose their href. Used for campaign updates and the content
 * pages; the output may be inserted into a page as it is.
 */
export function renderMarkdown(source: string): string {
  return micromark(source, {
    allowDangerousHtml: false,
    allowDangerousProtocol: false,
    extensions: [gfm(), NO_IMAGES],
    htmlExtensions: [gfmHtml()],
  });
}
