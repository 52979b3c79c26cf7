import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Token pages as templates (decision 0014). The front asks Next, once a
 * minute per page and locale, to render the confirm and confirmed pages for
 * a marker token, and fills in each signer's token and ref code itself.
 * The markers and the header's key are random per process and shared
 * through globalThis (the front's bundle and Next's share one process);
 * without the key, the markers mean nothing to a page.
 */
export const TEMPLATE_RENDER_HEADER = "x-undersigned-template";

export type TemplateMarkers = {
  /** Sent by the front in TEMPLATE_RENDER_HEADER. */
  key: string;
  /** Stands for the signer's link token (fits LINK_TOKEN_SHAPE). */
  token: string;
  /** Stands for the signer's ref code (fits REF_CODE_SHAPE). */
  refCode: string;
};

const globalForTemplates = globalThis as unknown as { undersignedTemplateMarkers?: TemplateMarkers };

export function getTemplateMarkers(): TemplateMarkers {
  return (globalForTemplates.undersignedTemplateMarkers ??= {
    key: randomBytes(24).toString("base64url"),
    token: `tplTOKEN${randomBytes(24).toString("hex")}`,
    refCode: `tplref${randomBytes(12).toString("hex")}`,
  });
}

/** Whether a page request is the front asking for a template (the header carries this process's key). */
export function isTemplateRender(headerValue: string | null | undefined): boolean {
  if (!headerValue) return false;
  const expected = Buffer.from(getTemplateMarkers().key);
  const given = Buffer.from(headerValue);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
