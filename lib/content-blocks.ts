/** A block of a content page (content/pages/*.md): headings, lists, paragraphs, all plain text. */
export type ContentBlock = { type: "heading"; text: string } | { type: "list"; items: string[] } | { type: "paragraph"; text: string };
