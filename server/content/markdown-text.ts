import "server-only";
import type { Nodes } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { toString } from "mdast-util-to-string";

// Plain text read out of Markdown by micromark's own syntax tree (mdast), so
// what a PDF, a feed summary or a link preview says is exactly what the page
// renders, without a second, hand-written Markdown reader.

/** A block's text; blocks inside it (list items, quoted paragraphs) are set apart by a space. */
function plain(node: Nodes): string {
  const text = node.type === "paragraph" || node.type === "heading" || !("children" in node)
    ? toString(node, { includeImageAlt: false })
    : node.children.map((child) => plain(child)).join(" ");
  return text.replace(/\s+/gu, " ").trim();
}

/** The top-level paragraphs of a Markdown text, each as one line of plain text (headings and lists left out). */
export function readMarkdownParagraphs(source: string): string[] {
  return fromMarkdown(source)
    .children.filter((node) => node.type === "paragraph")
    .map(plain)
    .filter(Boolean);
}

/**
 * The text of a Markdown document as plain prose, shortened at a word to at
 * most `maxLength` characters (with "…"): a description for link previews
 * and feeds.
 */
export function summarizeMarkdown(source: string, maxLength: number): string {
  const text = fromMarkdown(source).children.map(plain).filter(Boolean).join(" ");
  const characters = [...text];
  if (characters.length <= maxLength) return text;
  const cut = characters.slice(0, maxLength - 1).join("");
  const atWord = cut.replace(/\s+\S*$/u, "");
  return `${atWord.length > maxLength / 2 ? atWord : cut}…`;
}
