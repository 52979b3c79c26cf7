import fc from "fast-check";
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { forbidRealClock } from "@/test/clock";
import { createUpdateMessageComposer, fillUpdateEmail, renderUpdateEmail } from "./update-email";

const APP = "https://letter.example.org";
const FROM = '"Undersigned" <no-reply@letter.example.org>';
const TOKEN = "mabcdefgh" + "A".repeat(43);
const DATE = new Date(Date.UTC(2026, 11, 1));

function template(locale: "en" | "ru" | "uk", texts: Parameters<typeof renderUpdateEmail>[0]["content"]["texts"]) {
  return renderUpdateEmail({ content: { slug: "the-news", texts }, locale, appUrl: APP, senderName: "Undersigned", campaignTitle: "The letter" });
}

describe("an update email", () => {
  forbidRealClock();
  it("has a neutral subject, the update as its body, and the signer's token in both links and the one-click header", async () => {
    const ru = template("ru", { ru: { title: "Письмо передано", body: "Текст с <script>alert(1)</script> и [ссылкой](javascript:alert(1))." } });
    const composer = createUpdateMessageComposer({ templates: { ru }, from: FROM, messageKey: "key", appUrl: APP, date: DATE });
    const message = composer.compose({ address: "ivan@example.org", signatureId: 42, token: TOKEN, locale: "ru" });
    const parsed = await PostalMime.parse(message.raw);
    expect(parsed.subject).toBe("Новости от Undersigned");
    expect(parsed.messageId).toBe(message.messageId);
    const headers = Object.fromEntries(parsed.headers.map((header) => [header.key, header.value]));
    expect(headers["list-unsubscribe"]).toBe(`<${APP}/api/v1/unsubscribe?locale=ru&token=${TOKEN}>`);
    expect(headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(headers.to).toBe("ivan@example.org");
    expect(parsed.text).toContain(`${APP}/ru/unsubscribe?token=${TOKEN}`);
    expect(parsed.text).toContain(`${APP}/ru/withdraw?token=${TOKEN}`);
    expect(parsed.text).toContain(`${APP}/ru/updates/the-news`);
    // Markdown rendered safely: raw HTML shown as text, a javascript: link without its href.
    expect(parsed.html).toContain("&lt;script&gt;");
    expect(parsed.html).not.toContain("<script>");
    expect(parsed.html).not.toContain("javascript:");
    expect(message.envelope).toEqual({ from: "no-reply@letter.example.org", to: "ivan@example.org" });
  });

  it("keeps one Message-ID per signer and mailing, whatever the attempt, and a different one for everyone else", () => {
    const en = template("en", { en: { title: "T", body: "B" } });
    const first = createUpdateMessageComposer({ templates: { en }, from: FROM, messageKey: "mailing-1", appUrl: APP, date: DATE });
    const again = createUpdateMessageComposer({ templates: { en }, from: FROM, messageKey: "mailing-1", appUrl: APP, date: DATE });
    const other = createUpdateMessageComposer({ templates: { en }, from: FROM, messageKey: "mailing-2", appUrl: APP, date: DATE });
    const id = (composer: typeof first, signatureId: number, token: string) => composer.compose({ address: "a@example.org", signatureId, token, locale: "en" }).messageId;
    expect(id(first, 7, TOKEN)).toBe(id(again, 7, `${TOKEN}x`));
    expect(id(first, 7, TOKEN)).not.toBe(id(first, 8, TOKEN));
    expect(id(first, 7, TOKEN)).not.toBe(id(other, 7, TOKEN));
    expect(id(first, 7, TOKEN)).not.toContain("7@");
  });

  it("falls back to the default language's text with a note in the reader's language", () => {
    const uk = fillUpdateEmail(template("uk", { en: { title: "Only English", body: "Body" } }), TOKEN);
    expect(uk.subject).toBe("Новини від Undersigned");
    expect(uk.text).toContain("Цю новину ще не перекладено українською.");
    expect(uk.text).toContain("Only English");
  });

  it("carries any title and body through MIME unchanged (Cyrillic, emoji, markup, long lines)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }), fc.string({ unit: "grapheme", maxLength: 2000 }), async (title, body) => {
        fc.pre(title.trim().length > 0);
        const en = template("en", { en: { title, body } });
        const composer = createUpdateMessageComposer({ templates: { en }, from: FROM, messageKey: "k", appUrl: APP, date: DATE });
        const parsed = await PostalMime.parse(composer.compose({ address: "a@example.org", signatureId: 1, token: TOKEN, locale: "en" }).raw);
        expect(parsed.text?.replace(/\r\n/g, "\n")).toBe(fillUpdateEmail(en, TOKEN).text.replace(/\r\n/g, "\n"));
        expect(parsed.html).toBe(fillUpdateEmail(en, TOKEN).html);
      }),
      { numRuns: 200 },
    );
  });
});
