import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES } from "@/lib/i18n/locales";
import { getCampaign, getContentPage, parseCampaignText, parseContentBlocks, parseLetterMarkdown } from "./get-campaign";

const readContent = (file: string) => JSON.parse(fs.readFileSync(path.join(process.cwd(), "content", file), "utf8")) as Record<string, unknown>;

describe("getCampaign", () => {
  it("gives English readers the published translation, marked as such, with its source", () => {
    const campaign = getCampaign("en");
    expect(campaign.demands).toHaveLength(5);
    expect(campaign.signatories).toHaveLength(11);
    expect(campaign.letter).toMatchObject({ kind: "published-translation", isFallback: false, locale: "en" });
    expect(campaign.letter.source?.url).toMatch(/^https:\/\//);
    expect(campaign.letter.paragraphs[0]).toMatch(/^We, Russian political prisoners/);
  });

  it.each(["ru", "uk"] as const)("gives %s readers their own demands and the English letter, marked as a fallback", (locale) => {
    const campaign = getCampaign(locale);
    expect(campaign.title).not.toBe(getCampaign("en").title);
    expect(campaign.letter).toMatchObject({ locale: "en", isFallback: true, kind: "published-translation" });
  });

  it("falls back to the English privacy notice only where a locale has none", () => {
    expect(getContentPage("privacy", "ru").isFallback).toBe(false);
    expect(getContentPage("privacy", "en").blocks[0]).toEqual({ type: "heading", text: "Who keeps your data" });
  });
});

describe("where every statement on the page comes from", () => {
  const campaignFile = readContent("campaign.json") as unknown as Parameters<typeof parseCampaignText>[2];
  const ids = (sources: { id: string }[]) => sources.map((source) => source.id);

  it.each(LOCALES)("in %s, the lede, each demand, each paragraph about the letter and each bio name their sources, each a link", (locale) => {
    const campaign = getCampaign(locale);
    const cited = [campaign.ledeSources, ...campaign.demands.map((d) => d.sources), ...campaign.context.map((c) => c.sources), ...campaign.signatories.map((s) => s.sources)];
    expect(cited).toHaveLength(1 + 5 + campaign.context.length + 11);
    for (const sources of cited) {
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect(source.url).toMatch(/^https:\/\//);
    }
  });

  it("every language cites the same sources for the same statement", () => {
    const english = getCampaign("en");
    for (const locale of LOCALES) {
      const campaign = getCampaign(locale);
      expect(ids(campaign.ledeSources), `${locale} lede`).toEqual(ids(english.ledeSources));
      campaign.demands.forEach((demand, index) => expect(ids(demand.sources), `${locale} demand ${index + 1}`).toEqual(ids(english.demands[index]!.sources)));
      campaign.context.forEach((paragraph, index) => expect(ids(paragraph.sources), `${locale} context ${index + 1}`).toEqual(ids(english.context[index]!.sources)));
      campaign.signatories.forEach((person, index) => expect(ids(person.sources), `${locale} ${person.id}`).toEqual(ids(english.signatories[index]!.sources)));
    }
  });

  /** The parts of a content/<locale>.json that cite sources. */
  type TextFile = {
    ledeSources?: string[];
    demands: { sources?: string[] }[];
    context: { sources?: string[] }[];
    signatories: Record<string, { sources?: string[] }>;
  };

  /** content/en.json with one change made by `edit`. */
  function englishWith(edit: (text: TextFile) => void): unknown {
    const text = readContent("en.json") as unknown as TextFile;
    edit(text);
    return text;
  }

  it.each([
    ["a bio", (text: TextFile) => delete text.signatories["alexei-gorinov"]!.sources, /signatories\.alexei-gorinov\.sources/],
    ["a bio (an empty list)", (text: TextFile) => (text.signatories["azat-miftakhov"]!.sources = []), /signatories\.azat-miftakhov\.sources: name at least one source/],
    ["a demand", (text: TextFile) => delete text.demands[2]!.sources, /demands\.2\.sources/],
    ["the lede", (text: TextFile) => delete text.ledeSources, /ledeSources/],
    ["a paragraph about the letter", (text: TextFile) => (text.context[1]!.sources = []), /context\.1\.sources/],
  ])("refuses %s without a source", (_what, edit, message) => {
    expect(() => parseCampaignText("en.json", englishWith(edit), campaignFile)).toThrow(message);
  });

  it("refuses a source that campaign.json does not list", () => {
    const text = englishWith((t) => t.signatories["darya-kozyreva"]!.sources!.push("a-blog"));
    expect(() => parseCampaignText("en.json", text, campaignFile)).toThrow(/signatories\.darya-kozyreva cites "a-blog", which is not a source/);
  });

  it("accepts the content as it is", () => {
    for (const locale of LOCALES) expect(() => parseCampaignText(`${locale}.json`, readContent(`${locale}.json`), campaignFile)).not.toThrow();
  });
});

describe("content parsers", () => {
  it("reads front matter and joins wrapped lines into paragraphs", () => {
    expect(parseLetterMarkdown("---\nkind: translation\ntranslator: A. B.\n---\nFirst line\nwraps.\n\nSecond.\r\n")).toEqual({
      frontMatter: { kind: "translation", translator: "A. B." },
      paragraphs: ["First line wraps.", "Second."],
    });
  });

  it("keeps markup as text for React to escape", () => {
    expect(parseContentBlocks("## <b>Head</b>\n\n- <script>x</script>\n- two\n\nPlain <i>text</i>")).toEqual([
      { type: "heading", text: "<b>Head</b>" },
      { type: "list", items: ["<script>x</script>", "two"] },
      { type: "paragraph", text: "Plain <i>text</i>" },
    ]);
  });
});
