import fs from "node:fs";
import path from "node:path";
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { LOCALES } from "./locales";

const root = path.resolve(__dirname, "../..");
const load = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8")) as Record<string, unknown>;

function flatten(value: unknown, prefix = ""): Record<string, string> {
  if (typeof value === "string") return { [prefix]: value };
  return Object.entries(value as Record<string, unknown>).reduce<Record<string, string>>(
    (all, [key, inner]) => ({ ...all, ...flatten(inner, prefix ? `${prefix}.${key}` : key) }),
    {},
  );
}

describe("messages", () => {
  const english = flatten(load("messages/en.json"));

  it.each(LOCALES)("%s has exactly the English keys, each a valid ICU message", (locale) => {
    const messages = flatten(load(`messages/${locale}.json`));
    expect(Object.keys(messages).sort()).toEqual(Object.keys(english).sort());
    for (const [key, message] of Object.entries(messages)) {
      expect(() => new IntlMessageFormat(message, locale), key).not.toThrow();
    }
  });

  it.each([
    ["en", 1, "1 signature"],
    ["en", 5, "5 signatures"],
    ["ru", 1, "1 подпись"],
    ["ru", 2, "2 подписи"],
    ["ru", 5, "5 подписей"],
    ["ru", 21, "21 подпись"],
    ["uk", 1, "1 підпис"],
    ["uk", 3, "3 підписи"],
    ["uk", 11, "11 підписів"],
  ])("%s plural of %i is %s", (locale, count, expected) => {
    const message = flatten(load(`messages/${locale}.json`))["Count.signatures"]!;
    expect(new IntlMessageFormat(message, locale).format({ count })).toBe(expected);
  });
});

describe("campaign content", () => {
  const campaign = load("content/campaign.json") as { signatories: string[] };

  it.each(LOCALES)("content/%s.json names all signatories and five demands", (locale) => {
    const text = load(`content/${locale}.json`) as { demands: unknown[]; signatories: Record<string, { name: string; bio: string }> };
    expect(text.demands).toHaveLength(5);
    expect(Object.keys(text.signatories).sort()).toEqual([...campaign.signatories].sort());
  });

  it("the English letter is the published text, from its first to its last words", () => {
    const letter = fs.readFileSync(path.join(root, "content/letter.en.md"), "utf8");
    expect(letter).toMatch(/kind: published-translation/);
    expect(letter).toContain("We, Russian political prisoners, appeal to all international leaders");
    expect(letter.trim().endsWith("Only together can we bring closer the time of freedom and peace.")).toBe(true);
  });
});
