import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES } from "@/lib/i18n/locales";
import { splitFrontMatter } from "./front-matter";
import { getCampaign, getContentPage, parseCampaignText } from "./get-campaign";

const readContent = (file: string) => JSON.parse(fs.readFileSync(path.join(process.cwd(), "content", file), "utf8")) as Record<string, unknown>;

/** The text a browser shows for some HTML micromark wrote (it escapes only these four). */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&")
    .replace(/\s+/g, " ")
    .trim();
}

describe("getCampaign", () => {
  it("gives English readers the published translation, marked as such, with its source", () => {
    const campaign = getCampaign("en");
    expect(campaign.demands).toHaveLength(5);
    expect(campaign.signatories).toHaveLength(11);
    expect(campaign.letter).toMatchObject({ kind: "published-translation", isFallback: false, locale: "en" });
    expect(campaign.letter.source?.url).toMatch(/^https:\/\//);
    expect(campaign.letter.paragraphs[0]).toMatch(/^We, Russian political prisoners/);
    expect(campaign.letter.html.startsWith("<p>We, Russian political prisoners")).toBe(true);
  });

  it("renders the English letter word for word: every paragraph of the file, nothing taken as markup", () => {
    const raw = fs.readFileSync(path.join(process.cwd(), "content", "letter.en.md"), "utf8");
    const fileParagraphs = splitFrontMatter(raw)
      .body.split(/\n\s*\n/)
      .map((block) => block.replace(/\s+/g, " ").trim())
      .filter(Boolean);
    const { letter } = getCampaign("en");
    expect(letter.paragraphs).toEqual(fileParagraphs);
    expect(letter.html.match(/<p>/g)).toHaveLength(fileParagraphs.length);
    expect(textOf(letter.html)).toBe(fileParagraphs.join(" "));
  });

  it.each(["ru", "uk"] as const)("gives %s readers their own demands and the English letter, marked as a fallback", (locale) => {
    const campaign = getCampaign(locale);
    expect(campaign.title).not.toBe(getCampaign("en").title);
    expect(campaign.letter).toMatchObject({ locale: "en", isFallback: true, kind: "published-translation" });
  });

  it("falls back to the English privacy notice only where a locale has none", () => {
    expect(getContentPage("privacy", "ru").isFallback).toBe(false);
    expect(getContentPage("privacy", "en").html).toMatch(/^<h2>Who keeps your data<\/h2>\n<p>/);
  });

  it.each(["privacy", "safety"])("renders the %s pages' headings, lists and paragraphs as before", (name) => {
    for (const locale of ["en", "ru", "uk"] as const) {
      const { html } = getContentPage(name, locale);
      expect(html, `${name}.${locale}`).toContain("<h2>");
      expect(html, `${name}.${locale}`).toContain("<p>");
      expect(html, `${name}.${locale}`).not.toContain("<script");
    }
    expect(getContentPage(name, "en").html).toContain("<ul>\n<li>");
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

describe("splitFrontMatter", () => {
  it("reads YAML front matter and leaves the Markdown body", () => {
    expect(splitFrontMatter("---\r\nkind: translation\r\ntranslator: A. B.\r\n---\r\nFirst line\r\nwraps.\r\n\r\nSecond.\r\n")).toEqual({
      data: { kind: "translation", translator: "A. B." },
      body: "First line\nwraps.\n\nSecond.\n",
    });
  });

  it("takes a file without front matter as all body", () => {
    expect(splitFrontMatter("## Heading\n\n- one\n")).toEqual({ data: {}, body: "## Heading\n\n- one\n" });
  });

  it("refuses front matter that is not a mapping", () => {
    expect(() => splitFrontMatter("---\n- a\n- b\n---\nText")).toThrow(/mapping/);
  });
});
