import { IntlMessageFormat } from "intl-messageformat";
import { afterEach, describe, expect, it } from "vitest";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import { LOCALES, type Locale } from "@/lib/i18n/locales";
import { resetConfigForTesting } from "@/server/config";
import { MAX_EMAILS_PER_ADDRESS_PER_DAY } from "@/server/mail/enqueue-email";
import { MAINTENANCE_INTERVAL_MS } from "@/server/maintenance/run-maintenance";
import { KEY_GRACE_MS } from "@/server/privacy/daily-hash-keys";
import { getCampaign, getContentPage, getContentPageValues, listContentWarnings } from "./get-campaign";

// The privacy notice and the safety guide are promises (decision 0019):
// their numbers come from the server's settings, and what they say must
// match what the code does.

const HOUR = 60 * 60 * 1000;

function pageText(name: "privacy" | "safety", locale: Locale): string {
  const catalog = MESSAGE_CATALOGS[locale].Privacy;
  const days = new IntlMessageFormat(catalog.days, locale);
  const reminder = new IntlMessageFormat(catalog.confirmReminder, locale);
  const values = getContentPageValues({
    formatDays: (count) => String(days.format({ count })),
    describeConfirmReminder: (hours) => (hours > 0 ? String(reminder.format({ reminderHours: hours })) : catalog.confirmReminderOff),
  });
  const { html, isFallback } = getContentPage(name, locale, values);
  expect(isFallback).toBe(false);
  // The text a reader sees: tags become line breaks, micromark's four escapes are undone.
  return html
    .replace(/<[^>]+>/g, "\n")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&")
    .replace(/\n+/g, "\n")
    .trim();
}

/** 7, 10, 14 and 30 all take the same plural form in each language. */
const DAYS: Record<Locale, (count: number) => string> = {
  en: (count) => `${count} days`,
  ru: (count) => `${count} дней`,
  uk: (count) => `${count} днів`,
};

/** How each language says what the reminder sentence must say (server/signatures/remind-unconfirmed-signatures.ts does it). */
const REMINDER: Record<Locale, { one: RegExp; never: RegExp; withdraw: RegExp; none: RegExp; hours48: string; hours24: string }> = {
  en: { one: /we send you one reminder/, never: /never a second/, withdraw: /withdraw/, none: /We send no reminders/, hours48: "48 hours", hours24: "24 hours" },
  ru: { one: /присылаем одно напоминание/, never: /второго не будет/, withdraw: /отзов/, none: /Напоминаний мы не присылаем/, hours48: "48 часов", hours24: "24 часа" },
  uk: { one: /надсилаємо одне нагадування/, never: /другого не буде/, withdraw: /відклич/, none: /Нагадувань ми не надсилаємо/, hours48: "48 годин", hours24: "24 години" },
};

const PAGES = LOCALES.flatMap((locale) => (["privacy", "safety"] as const).map((name) => [name, locale] as const));

describe("the privacy notice and the safety guide", () => {
  afterEach(() => {
    delete process.env.UNCONFIRMED_RETENTION_DAYS;
    delete process.env.BACKUP_KEEP;
    delete process.env.CONFIRM_REMINDER_HOURS;
    resetConfigForTesting();
  });

  it.each(PAGES)("%s (%s) names the contact, the retention and backup periods the server uses, and leaves no placeholder", (name, locale) => {
    const text = pageText(name, locale);
    expect(text).toContain(getCampaign(locale).privacyContact);
    expect(text).toContain(DAYS[locale](30));
    expect(text).toContain(DAYS[locale](7));
    expect(text).not.toMatch(/\{\w+\}/);

    process.env.UNCONFIRMED_RETENTION_DAYS = "14";
    process.env.BACKUP_KEEP = "10";
    resetConfigForTesting();
    const changed = pageText(name, locale);
    expect(changed).toContain(DAYS[locale](14));
    expect(changed).toContain(DAYS[locale](10));
    expect(changed).not.toContain(DAYS[locale](30));
  });

  it.each(PAGES)("%s (%s) says one reminder to confirm may come after CONFIRM_REMINDER_HOURS, never a second, and that withdrawing stops it", (name, locale) => {
    const sentence = pageText(name, locale)
      .split("\n")
      .find((line) => REMINDER[locale].one.test(line));
    expect(sentence).toContain(REMINDER[locale].hours48);
    expect(sentence).toMatch(REMINDER[locale].never);
    expect(sentence).toMatch(REMINDER[locale].withdraw);

    process.env.CONFIRM_REMINDER_HOURS = "24";
    resetConfigForTesting();
    expect(pageText(name, locale)).toContain(REMINDER[locale].hours24);

    process.env.CONFIRM_REMINDER_HOURS = "0";
    resetConfigForTesting();
    const off = pageText(name, locale);
    expect(off).not.toMatch(REMINDER[locale].one);
    expect(off).toMatch(REMINDER[locale].none);
  });

  it.each(PAGES)("%s (%s) promises nothing is irreversible or one-way", (name, locale) => {
    expect(pageText(name, locale)).not.toMatch(/irreversib|one-way|cannot be undone|необратим|односторонн|незворотн|одностороннь/i);
  });

  it.each(LOCALES)("the privacy notice (%s) names who can see the data: organizers' CSV exports, the SMTP relay, backups", (locale) => {
    const text = pageText("privacy", locale);
    expect(text).toContain("CSV");
    expect(text).toContain("SMTP");
    expect(text).toMatch(/backup|резервн/i);
    expect(text).toContain("Message-ID");
  });

  it.each(LOCALES)("the privacy notice (%s) says a waiting email holds no working link: they are made when it is sent (outbox-sender.test.ts proves it)", (locale) => {
    const waiting = pageText("privacy", locale)
      .split("\n")
      .find((line) => /waiting to be sent|ждёт отправки|чекає надсилання/.test(line));
    expect(waiting).toMatch(/not its links|но не ссылки|але не посилання/);
    expect(waiting).toMatch(/hashes|хешей|хеші/);
  });

  it.each(LOCALES)("the safety guide (%s) sends people in Russia to a VPN or Tor Browser and says signing works at its safest level", (locale) => {
    const text = pageText("safety", locale);
    expect(text).toContain("VPN");
    expect(text).toContain("Tor Browser");
    expect(text).toContain("Safest");
    expect(text).toContain("JavaScript");
    // Deleting the email: the provider may keep a copy, and the withdrawal link is in it.
    const deleting = text.split("\n").find((line) => /delete our emails|удалить наши письма|видалити наші листи/.test(line));
    expect(deleting).toMatch(/copy|копию|копію/);
    expect(deleting).toMatch(/withdraw|отзыва|відкликання/);
  });

  it("says what the code does: keys gone one to two hours after their day, hourly checks, three emails a day", () => {
    expect(KEY_GRACE_MS).toBe(HOUR);
    expect(KEY_GRACE_MS + MAINTENANCE_INTERVAL_MS).toBeLessThanOrEqual(2 * HOUR);
    expect(MAINTENANCE_INTERVAL_MS).toBe(HOUR);
    expect(MAX_EMAILS_PER_ADDRESS_PER_DAY).toBe(3);
    expect(pageText("privacy", "en")).toContain("more than 3 emails a day");
  });

  it("warns at start while the privacy contact is an example address", () => {
    expect(getCampaign("en").privacyContact).toMatch(/@example\.org$/);
    expect(listContentWarnings()).toEqual([expect.stringContaining("privacy.contact")]);
  });
});
