import { describe, expect, it } from "vitest";
import { getCampaign, getContentPage, parseContentBlocks, parseLetterMarkdown } from "./get-campaign";

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
