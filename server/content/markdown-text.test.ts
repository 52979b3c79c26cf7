import { describe, expect, it } from "vitest";
import { readMarkdownParagraphs, summarizeMarkdown } from "./markdown-text";

describe("readMarkdownParagraphs", () => {
  it("joins wrapped lines and keeps only the paragraphs, as text", () => {
    expect(readMarkdownParagraphs("## Head\n\nFirst line\nwraps *here*.\n\n- item\n\nSecond <b>x</b>.\n")).toEqual([
      "First line wraps here.",
      "Second <b>x</b>.",
    ]);
  });
});

describe("summarizeMarkdown", () => {
  it.each([
    ["short text stays whole", "Hello **world**", 50, "Hello world"],
    ["headings and lists read as prose", "## News\n\n- one\n- two", 50, "News one two"],
    ["a long text is cut at a word", "The letter was handed to the committee today", 20, "The letter was…"],
    ["links keep their words, not their address", "[the record](https://example.org/x) is public", 50, "the record is public"],
  ])("%s", (_name, source, max, expected) => {
    expect(summarizeMarkdown(source, max)).toBe(expected);
  });
});
