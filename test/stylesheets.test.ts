import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const STYLESHEETS = ["app/globals.css", "app/embed/embed.css", "components/signers/WorldMap.module.css"];

/**
 * Rules that open inside another rule: we write no nested CSS, so one is a
 * missing `}` (browsers then apply nothing after it; a merge once lost one
 * and ~20 rules silently stopped applying). Only at-rules may hold rules.
 */
function findNestedRules(css: string): string[] {
  const withoutComments = css.replace(/\/\*[\s\S]*?\*\//g, "");
  const open: string[] = [];
  const nested: string[] = [];
  let selector = "";
  for (const char of withoutComments) {
    if (char === "{") {
      const name = selector.trim();
      if (open.length > 0 && !open.at(-1)!.startsWith("@")) nested.push(`${open.at(-1)} > ${name}`);
      open.push(name);
      selector = "";
    } else if (char === "}") {
      if (open.pop() === undefined) nested.push("a } with no rule to close");
      selector = "";
    } else if (char === ";") {
      selector = "";
    } else {
      selector += char;
    }
  }
  if (open.length > 0) nested.push(`unclosed: ${open.join(" > ")}`);
  return nested;
}

describe("stylesheets", () => {
  it.each(STYLESHEETS)("%s closes every rule before the next one opens", (file) => {
    expect(findNestedRules(fs.readFileSync(path.join(ROOT, file), "utf8"))).toEqual([]);
  });

  it("finds a missing closing brace", () => {
    expect(findNestedRules(".a { color: red;\n.b { color: blue; }\n")).toEqual([".a > .b", "unclosed: .a"]);
    expect(findNestedRules("@media (min-width: 1px) { .a { color: red; } }")).toEqual([]);
  });
});
