import type { ContentBlock } from "@/lib/content-blocks";

/** A content page's blocks (headings, lists, paragraphs) as plain, escaped text. */
export function ContentBlocks({ blocks }: { blocks: ContentBlock[] }) {
  return blocks.map((block, index) =>
    block.type === "heading" ? (
      <h2 key={index}>{block.text}</h2>
    ) : block.type === "list" ? (
      <ul key={index}>
        {block.items.map((item, itemIndex) => (
          <li key={itemIndex}>{item}</li>
        ))}
      </ul>
    ) : (
      <p key={index}>{block.text}</p>
    ),
  );
}
