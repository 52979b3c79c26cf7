import { eq } from "drizzle-orm";
import { xml2js, type Element } from "xml-js";
import { beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { AUTHOR_CHANGES as DB_AUTHOR_CHANGES, UPDATE_KINDS as DB_UPDATE_KINDS, updateRevisions } from "@/db/schema";
import { AUTHOR_CHANGES, UPDATE_BODY_MAX_BYTES, UPDATE_KINDS } from "@/lib/schemas/update";
import type { Actor } from "@/server/auth/actor";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { caughtAppError } from "@/test/errors";
import { createOrganizerAccount, readAuditRows } from "@/test/factories";
import { getUpdateForEditing, getUpdatePreview, listUpdatesForAdmin } from "./admin-updates";
import { buildUpdatesFeed } from "./build-updates-feed";
import { findAuthorChanges, findLatestUpdate, findPublishedUpdate, listPublishedUpdates } from "./find-updates";
import { publishUpdate } from "./publish-update";
import { createUpdate, editUpdate } from "./save-update";
import { slugFromTitle } from "./update-slug";

const T0 = Date.parse("2026-11-21T10:00:00Z");
const HOUR = 60 * 60 * 1000;
const APP_URL = "https://letter.example.org";

type Texts = Record<string, { title: string; body: string }>;
const newsInput = (texts: Texts, extra: Record<string, unknown> = {}) => ({ kind: "news", texts, ...extra });

/** The Atom feed, parsed back with a real XML parser. */
function parseFeed(xml: string): Element {
  const document = xml2js(xml, { compact: false }) as Element;
  const feed = document.elements!.find((element) => element.name === "feed")!;
  expect(feed.attributes?.xmlns).toBe("http://www.w3.org/2005/Atom");
  return feed;
}
const childrenNamed = (element: Element, name: string) => (element.elements ?? []).filter((child) => child.name === name);
const textOf = (element: Element | undefined) => (element?.elements ?? []).map((child) => child.text ?? child.cdata ?? "").join("");

describe("updates", () => {
  forbidRealClock();
  let db: AppDatabase;
  let admin: Actor;
  let viewer: Actor;
  setUpTestDatabase((opened) => ({ db } = opened));
  beforeEach(async () => {
    admin = await createOrganizerAccount(db, { email: "admin@organizers.example", role: "admin", now: T0 });
    viewer = await createOrganizerAccount(db, { email: "viewer@organizers.example", role: "viewer", now: T0 });
  });

  const write = (texts: Texts, extra: Record<string, unknown> = {}, now = T0) => createUpdate({ actor: admin, input: newsInput(texts, extra), db, now });
  const publish = (id: number, revision = 1, now = T0 + HOUR) => publishUpdate({ actor: admin, id, expectedRevision: revision, db, now });

  it("the editor's lists of kinds and author changes are the database's", () => {
    expect(UPDATE_KINDS).toEqual(DB_UPDATE_KINDS);
    expect(AUTHOR_CHANGES).toEqual(DB_AUTHOR_CHANGES);
  });

  it("an admin writes a draft in English and Russian that no public page, list or feed shows", () => {
    const draft = write({ en: { title: "The letter reached Strasbourg", body: "It was handed over." }, ru: { title: "Письмо в Страсбурге", body: "Его передали." } });
    expect(draft).toMatchObject({ state: "draft", revision: 1, publishedAt: null });
    expect(draft.slug).toMatch(/^~draft-/);
    expect(readAuditRows(db, "update.create")).toEqual([expect.objectContaining({ actorEmail: "admin@organizers.example", targetId: String(draft.id) })]);

    expect(listPublishedUpdates({ locale: "en", db })).toEqual([]);
    expect(findLatestUpdate({ locale: "ru", db })).toBeNull();
    expect(findPublishedUpdate({ slug: "the-letter-reached-strasbourg", locale: "en", db })).toBeNull();
    expect(findPublishedUpdate({ slug: draft.slug, locale: "en", db })).toBeNull();
    const xml = buildUpdatesFeed({ locale: "en", appUrl: APP_URL, db });
    expect(childrenNamed(parseFeed(xml), "entry")).toEqual([]);
    expect(xml).not.toContain("Strasbourg");

    // The admin area lists it, to viewers too (they may proofread), but only admins and owners write.
    expect(listUpdatesForAdmin({ actor: viewer, db })).toEqual([expect.objectContaining({ id: draft.id, state: "draft", slug: null, titles: { en: "The letter reached Strasbourg", ru: "Письмо в Страсбурге" } })]);
    expect(caughtAppError(() => createUpdate({ actor: viewer, input: newsInput({ en: { title: "T", body: "B" } }), db, now: T0 })).code).toBe("FORBIDDEN");
    expect(caughtAppError(() => publishUpdate({ actor: viewer, id: draft.id, expectedRevision: 1, db, now: T0 })).code).toBe("FORBIDDEN");
  });

  it("the preview is the page as it will be published, byte for byte, at the slug it will get", () => {
    const draft = write({ en: { title: "Hearing moved", body: "The court **moved** the hearing.\n\n- to March" }, ru: { title: "Заседание перенесли", body: "Суд перенёс заседание." } });
    const previews = (["en", "ru", "uk"] as const).map((locale) => getUpdatePreview({ actor: viewer, id: draft.id, locale, db, now: T0 + HOUR }));
    expect(previews[0]!.slug).toBe("hearing-moved");
    publish(draft.id);
    for (const [index, locale] of (["en", "ru", "uk"] as const).entries()) {
      expect(findPublishedUpdate({ slug: "hearing-moved", locale, db })).toEqual(previews[index]!.view);
    }
    expect(previews[2]!.view).toMatchObject({ textLocale: "en", isFallback: true, title: "Hearing moved" });
  });

  it("publishing gives an ASCII slug from the English title, or the first one written, unique and fixed from then on", () => {
    const first = publish(write({ en: { title: "Letter delivered — 12,000 signatures!", body: "B" } }).id);
    expect(first.slug).toBe("letter-delivered-12000-signatures");
    const same = publish(write({ en: { title: "Letter delivered: 12,000 signatures", body: "B" } }).id);
    expect(same.slug).toBe("letter-delivered-12000-signatures-2");
    const russianOnly = publish(write({ ru: { title: "Письмо передано в Европарламент", body: "Текст" } }).id);
    expect(russianOnly.slug).toBe("pismo-peredano-v-evroparlament");
    const ukrainianOnly = publish(write({ uk: { title: "Їжак і ґанок", body: "Текст" } }).id);
    expect(ukrainianOnly.slug).toMatch(/^[a-z0-9-]+$/);
    const nothingLeft = publish(write({ en: { title: "!!!", body: "B" } }).id);
    expect(nothingLeft.slug).toBe(`update-${nothingLeft.id}`);

    const edited = editUpdate({ actor: admin, id: first.id, expectedRevision: 1, input: newsInput({ en: { title: "A new title", body: "B" } }), db, now: T0 + 2 * HOUR });
    expect(edited.slug).toBe("letter-delivered-12000-signatures");
    expect(findPublishedUpdate({ slug: edited.slug, locale: "en", db })?.title).toBe("A new title");
    expect(slugFromTitle("word ".repeat(40)).length).toBeLessThanOrEqual(80);
  });

  it("publishes only what was previewed: a stale revision or a second publish is refused", () => {
    const draft = write({ en: { title: "T", body: "First" } });
    editUpdate({ actor: admin, id: draft.id, expectedRevision: 1, input: newsInput({ en: { title: "T", body: "Second" } }), db, now: T0 + 1 });
    expect(caughtAppError(() => publish(draft.id, 1))).toMatchObject({ code: "CONFLICT", messageKey: "updateChanged" });
    expect(caughtAppError(() => editUpdate({ actor: admin, id: draft.id, expectedRevision: 1, input: newsInput({ en: { title: "T", body: "Third" } }), db, now: T0 + 2 }))).toMatchObject({
      code: "CONFLICT",
      messageKey: "updateChanged",
    });
    publish(draft.id, 2);
    expect(caughtAppError(() => publish(draft.id, 2))).toMatchObject({ code: "CONFLICT", messageKey: "updateAlreadyPublished" });
    expect(caughtAppError(() => publish(9999))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("keeps and audits every edit after publishing, and says on the page that it was edited", () => {
    const draft = write({ en: { title: "Delivered", body: "To the Bundestag." } }, { kind: "delivery", institution: "Bundestag", eventOn: "2026-11-20" });
    editUpdate({ actor: admin, id: draft.id, expectedRevision: 1, input: newsInput({ en: { title: "Delivered", body: "To the Bundestag, by hand." } }, { kind: "delivery", institution: "Bundestag", eventOn: "2026-11-20" }), db, now: T0 + 1 });
    publish(draft.id, 2);
    expect(findPublishedUpdate({ slug: "delivered", locale: "en", db })?.editedAt).toBeNull();

    const owner = { ...admin, role: "owner" as const };
    editUpdate({ actor: owner, id: draft.id, expectedRevision: 2, input: newsInput({ en: { title: "Delivered", body: "To the Bundestag, by hand, on Friday." } }, { kind: "delivery", institution: "Bundestag", eventOn: "2026-11-20" }), db, now: T0 + 3 * HOUR });
    // Saving the same again is no edit: nothing kept, nothing audited.
    editUpdate({ actor: admin, id: draft.id, expectedRevision: 3, input: newsInput({ en: { title: "Delivered", body: "To the Bundestag, by hand, on Friday." } }, { kind: "delivery", institution: "Bundestag", eventOn: "2026-11-20" }), db, now: T0 + 4 * HOUR });

    const kept = db.select().from(updateRevisions).where(eq(updateRevisions.updateId, draft.id)).all();
    expect(kept.map((row) => [row.revision, JSON.parse(row.snapshot).texts.en.body])).toEqual([
      [2, "To the Bundestag, by hand."],
      [3, "To the Bundestag, by hand, on Friday."],
    ]);
    expect(readAuditRows(db, "update.edit").map((row) => JSON.parse(row.details!).revision)).toEqual([2, 3]);
    expect(readAuditRows(db, "update.publish")).toHaveLength(1);
    expect(getUpdateForEditing({ actor: viewer, id: draft.id, db }).revisions.map((entry) => entry.revision)).toEqual([3, 2]);
    expect(getUpdatePreview({ actor: viewer, id: draft.id, locale: "en", revision: 2, db }).view.html).toBe("<p>To the Bundestag, by hand.</p>");

    const page = findPublishedUpdate({ slug: "delivered", locale: "en", db })!;
    expect(page).toMatchObject({ kind: "delivery", institution: "Bundestag", eventOn: "2026-11-20", publishedAt: T0 + HOUR, editedAt: T0 + 3 * HOUR });
  });

  it("gives a reader in a missing language the English text, or the only one there is, marked as such", () => {
    publish(write({ en: { title: "English only", body: "E" } }).id, 1, T0 + HOUR);
    publish(write({ uk: { title: "Лише українською", body: "У" } }).id, 1, T0 + 2 * HOUR);
    expect(listPublishedUpdates({ locale: "ru", db }).map((entry) => [entry.title, entry.textLocale, entry.isFallback])).toEqual([
      ["Лише українською", "uk", true],
      ["English only", "en", true],
    ]);
    expect(listPublishedUpdates({ locale: "uk", db })[0]).toMatchObject({ textLocale: "uk", isFallback: false });
    expect(findLatestUpdate({ locale: "en", db })).toMatchObject({ title: "Лише українською", isFallback: true });
  });

  it("shows each author's newest change on their card, and refuses an author who is not one of the letter's", () => {
    const change = (authorChange: string, eventOn: string, now: number) =>
      publish(createUpdate({ actor: admin, input: newsInput({ en: { title: `Azat ${authorChange}`, body: "B" } }, { kind: "authorChange", authorId: "azat-miftakhov", authorChange, eventOn }), db, now }).id, 1, now);
    change("moved", "2026-10-01", T0);
    change("released", "2026-11-01", T0 + HOUR);
    const changes = findAuthorChanges({ locale: "ru", db });
    expect([...changes.keys()]).toEqual(["azat-miftakhov"]);
    expect(changes.get("azat-miftakhov")).toMatchObject({ authorChange: "released", eventOn: "2026-11-01", slug: "azat-released", isFallback: true });

    expect(caughtAppError(() => createUpdate({ actor: admin, input: newsInput({ en: { title: "T", body: "B" } }, { kind: "authorChange", authorId: "someone-else", authorChange: "released", eventOn: "2026-11-01" }), db, now: T0 }))).toMatchObject({
      code: "INVALID",
      details: { authorId: "authorRequired" },
    });
  });

  it("renders HTML, scripts and javascript: links in a body inert, and refuses a body over 100 KB", () => {
    const hostile = "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) and <a href=\"javascript:alert(2)\">link</a>";
    const published = publish(write({ en: { title: "<b>Bold</b> title", body: hostile } }).id);
    const view = findPublishedUpdate({ slug: published.slug, locale: "en", db })!;
    expect(view.title).toBe("<b>Bold</b> title");
    expect(view.html).not.toMatch(/<script|<img|<a href="javascript|href="javascript/);
    expect(view.html).toContain("&lt;script&gt;");
    const feed = buildUpdatesFeed({ locale: "en", appUrl: APP_URL, db });
    expect(feed).not.toMatch(/<script|javascript:alert\(1\)\)"|<b>Bold/);

    const tooLarge = "a".repeat(UPDATE_BODY_MAX_BYTES + 1);
    expect(caughtAppError(() => write({ ru: { title: "Т", body: tooLarge } }))).toMatchObject({ code: "INVALID", details: { "body.ru": "bodyTooLarge" } });
  });

  it("writes an Atom feed per locale: ids, updated, a self link, entries newest first with HTML content, nothing of drafts", () => {
    publish(write({ en: { title: "First", body: "One & *two*" }, ru: { title: "Первая", body: "Раз" } }).id, 1, T0 + HOUR);
    const second = publish(write({ en: { title: "Second", body: "Later" } }).id, 1, T0 + 2 * HOUR);
    write({ en: { title: "Still a draft", body: "Secret plans" } });
    editUpdate({ actor: admin, id: second.id, expectedRevision: 1, input: newsInput({ en: { title: "Second", body: "Later, edited" } }), db, now: T0 + 3 * HOUR });

    for (const locale of ["en", "ru"] as const) {
      const xml = buildUpdatesFeed({ locale, appUrl: APP_URL, db });
      expect(xml).not.toContain("Secret plans");
      expect(xml).not.toContain("Still a draft");
      const feed = parseFeed(xml);
      expect(textOf(childrenNamed(feed, "id")[0])).toBe(`${APP_URL}/${locale}/updates`);
      expect(textOf(childrenNamed(feed, "updated")[0])).toBe(new Date(T0 + 3 * HOUR).toISOString());
      expect(childrenNamed(feed, "link").map((link) => link.attributes)).toContainEqual({ rel: "self", href: `${APP_URL}/${locale}/updates/feed.xml` });
      expect(textOf(childrenNamed(childrenNamed(feed, "author")[0]!, "name")[0])).toBeTruthy();

      const entries = childrenNamed(feed, "entry");
      expect(entries.map((entry) => textOf(childrenNamed(entry, "id")[0]))).toEqual([`${APP_URL}/${locale}/updates/second`, `${APP_URL}/${locale}/updates/first`]);
      expect(textOf(childrenNamed(entries[0]!, "updated")[0])).toBe(new Date(T0 + 3 * HOUR).toISOString());
      expect(textOf(childrenNamed(entries[0]!, "published")[0])).toBe(new Date(T0 + 2 * HOUR).toISOString());
      for (const entry of entries) {
        const content = childrenNamed(entry, "content")[0]!;
        expect(content.attributes?.type).toBe("html");
        expect(childrenNamed(entry, "title")).toHaveLength(1);
      }
      const firstContent = textOf(childrenNamed(entries[1]!, "content")[0]);
      expect(firstContent).toBe(locale === "en" ? "<p>One &amp; <em>two</em></p>" : "<p>Раз</p>");
    }
    // A Russian reader of an English-only update is told so, in Russian.
    const ru = parseFeed(buildUpdatesFeed({ locale: "ru", appUrl: APP_URL, db }));
    expect(textOf(childrenNamed(childrenNamed(ru, "entry")[0]!, "content")[0])).toMatch(/^<p><em>Эта новость не переведена на русский язык, поэтому она показана на английском\.<\/em><\/p>\n<p>Later, edited<\/p>$/);
  });
});
