import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const SKIP = new Set(["node_modules", ".next", "dist", "e2e", ".git", "bench"]);
/** A date written into a test: `Date.parse("2026-…")`, `new Date("2026-…")`, `Date.UTC(2026, …)`. */
const FIXED_DATE = /Date\.parse\(\s*["'`]\d{4}-|new Date\(\s*["'`]\d{4}-|Date\.UTC\(\s*\d{4}/;

function listTestFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTestFiles(full);
    return entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

describe("time in tests (docs/decisions/0016-time-in-tests.md)", () => {
  it("every unit test file that writes a date guards against reading the real clock", () => {
    const unguarded = listTestFiles(ROOT)
      .filter((file) => !file.endsWith(path.join("test", "clock.test.ts")) && !file.endsWith(path.join("test", "time-rule.test.ts")))
      .filter((file) => {
        const source = fs.readFileSync(file, "utf8");
        return FIXED_DATE.test(source) && !source.includes("forbidRealClock()");
      })
      .map((file) => path.relative(ROOT, file));
    expect(unguarded).toEqual([]);
  });
});
