import { describe, expect, it } from "vitest";
import { cleanText, textLength } from "./text";

describe("cleanText", () => {
  it.each([
    ["  Anna   Karenina ", "Anna Karenina"],
    ["Anna\u202Eanirak", "Anna anirak"],
    ["A\u0000B\u0007C", "A B C"],
    ["Zero\u200Bwidth", "Zero width"],
    ["line\nbreak\ttab", "line break tab"],
    ["\uFEFFBOM", "BOM"],
    ["e\u0301", "é"],
    ["می\u200Cخواهم", "می\u200Cخواهم"],
  ])("%j → %j", (input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });
});

describe("textLength", () => {
  it("counts code points, not UTF-16 units", () => {
    expect(textLength("😀😀")).toBe(2);
    expect(textLength("Иван")).toBe(4);
  });
});
