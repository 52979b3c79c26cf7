import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { splitFrontMatter } from "./front-matter";
import { getCampaign, getContentPage } from "./get-campaign";

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
