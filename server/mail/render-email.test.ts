import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LOCALES } from "@/lib/i18n/locales";
import { renderSignatureEmail, renderSignatureEmailDirectly } from "./render-email";

const url = fc.webUrl({ withQueryParameters: true, withFragments: true });
const name = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  fc.constantFrom("<script>alert(1)</script>", "O'Brien & \"Sons\"", "{name}", "{0}", "'{'", "\uE0000\uE001", "<b>x</b>", "Анна-Мария"),
);

describe("renderSignatureEmail", () => {
  it("gives exactly the email the translator renders, for any name, links, language and kind", () => {
    fc.assert(
      fc.property(
        fc.record({
          kind: fc.constantFrom("confirm" as const, "alreadySigned" as const, "confirmReminder" as const),
          locale: fc.constantFrom(...LOCALES),
          name,
          actionUrl: url,
          manageUrl: fc.option(url, { nil: undefined }),
          withdrawUrl: url,
          campaignTitle: fc.constantFrom("Open letter", "Открытое письмо <11>", "A & B"),
          expiresInDays: fc.constantFrom(1, 7, 30),
        }),
        (options) => {
          expect(renderSignatureEmail(options)).toEqual(renderSignatureEmailDirectly(options));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("escapes the name in the HTML part and keeps it as typed in the text part", () => {
    const email = renderSignatureEmail({
      kind: "confirm",
      locale: "en",
      name: "<img src=x onerror=alert(1)>",
      actionUrl: "https://example.org/en/confirm?token=a&b",
      manageUrl: "https://example.org/en/my?token=c",
      withdrawUrl: "https://example.org/en/withdraw?token=d",
      campaignTitle: "Open letter",
      expiresInDays: 7,
    });
    expect(email.html).not.toContain("<img");
    expect(email.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(email.html).toContain("token=a&amp;b");
    expect(email.text).toContain("<img src=x onerror=alert(1)>");
    expect(email.subject).not.toContain("img");
  });

  it.each([
    ["en", 1, "The link is valid for 1 day."],
    ["en", 7, "The link is valid for 7 days."],
    ["ru", 1, "Ссылка действует 1 день."],
    ["ru", 7, "Ссылка действует 7 дней."],
    ["uk", 3, "Посилання діє 3 дні."],
    ["uk", 7, "Посилання діє 7 днів."],
  ] as const)("says in %s how long the link lasts with the plural of %i (%s)", (locale, expiresInDays, sentence) => {
    const email = renderSignatureEmail({
      kind: "confirm",
      locale,
      name: "Ann",
      actionUrl: "https://example.org/confirm",
      withdrawUrl: "https://example.org/withdraw",
      campaignTitle: "Open letter",
      expiresInDays,
    });
    expect(email.text.split("\n\n")).toContain(sentence);
    expect(email.html).toContain(`<p>${sentence}</p>`);
  });

  it.each([
    ["en", "Reminder: please confirm your email address", "This is the only reminder we send"],
    ["ru", "Напоминание: подтвердите адрес электронной почты", "Это единственное напоминание"],
    ["uk", "Нагадування: підтвердьте адресу електронної пошти", "Це єдине нагадування"],
  ] as const)("the reminder (%s) has a neutral subject, says it is the only one, and carries the confirm and withdraw links", (locale, subject, onlyOne) => {
    const email = renderSignatureEmail({
      kind: "confirmReminder",
      locale,
      name: "Ann",
      actionUrl: "https://example.org/confirm?token=c",
      withdrawUrl: "https://example.org/withdraw?token=w",
      campaignTitle: "Open letter of eleven political prisoners",
      expiresInDays: 7,
    });
    expect(email.subject).toBe(subject);
    expect(email.subject).not.toContain("Open letter");
    expect(email.text).toContain(onlyOne);
    expect(email.text).toContain("https://example.org/confirm?token=c");
    expect(email.text.trimEnd().endsWith("https://example.org/withdraw?token=w")).toBe(true);
    expect(email.html).toContain('href="https://example.org/confirm?token=c"');
  });
});
