import { eq } from "drizzle-orm";
import sharp from "sharp";
import { beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { auditLog, statCounters } from "@/db/schema";
import { SYSTEM, type Actor } from "@/server/auth/actor";
import { getCampaign } from "@/server/content/get-campaign";
import { getStats } from "@/server/stats/get-stats";
import { createTestDatabase, setUpTestDatabase } from "@/test/database";
import { createOrganizer, seedCounters } from "@/test/factories";
import { getPressKitFile, PRESS_KIT_PNG_TTL_MS, type PressKitStats } from "./press-kit";
import { forbidRealClock } from "@/test/clock";

const T0 = Date.parse("2026-03-05T12:00:00Z");
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function text(body: Uint8Array | string): string {
  return typeof body === "string" ? body : Buffer.from(body).toString("utf8");
}

describe("getPressKitFile", () => {
  forbidRealClock();
  let db: AppDatabase;
  let viewer: Actor;

  setUpTestDatabase((opened) => ({ db } = opened));
  beforeEach(() => {
    seedCounters(db, [
      { scope: "total", key: "", count: 17 },
      { scope: "country", key: "UA", count: 7 },
      { scope: "country", key: "DE", count: 5 },
      { scope: "country", key: "PL", count: 5 },
      { scope: "country", key: "XK", count: 0 },
      { scope: "day", key: "2026-03-01", count: 10 },
      { scope: "day", key: "2026-03-03", count: 7 },
      { scope: "status", key: "pending", count: 40 },
    ]);
    viewer = createOrganizer(db, { role: "viewer", email: "viewer@example.org", now: T0 });
  });

  const audits = () =>
    db
      .select({ actorEmail: auditLog.actorEmail, details: auditLog.details, createdAt: auditLog.createdAt })
      .from(auditLog)
      .where(eq(auditLog.action, "export.pressKit"))
      .orderBy(auditLog.id)
      .all();

  describe("stats.json", () => {
    it("holds the public numbers from getStats, the days filled in with a running total, and no personal data", async () => {
      const file = await getPressKitFile({ actor: viewer, file: "stats.json", locale: "en", db, now: T0 });
      expect(file.contentType).toBe("application/json; charset=utf-8");
      expect(file.filename).toMatch(/^[a-z0-9-]+-stats-en-2026-03-05\.json$/);
      const body = text(file.body);
      expect(body).not.toContain("@");
      const stats = JSON.parse(body) as PressKitStats;
      const expected = getStats({ db, now: T0 });
      expect(stats).toEqual({
        campaign: getCampaign("en").title,
        goal: expected.goal,
        total: expected.total,
        countries: [
          { code: "UA", name: "Ukraine", count: 7 },
          { code: "DE", name: "Germany", count: 5 },
          { code: "PL", name: "Poland", count: 5 },
        ],
        daily: [
          { day: "2026-03-01", count: 10, cumulative: 10 },
          { day: "2026-03-02", count: 0, cumulative: 10 },
          { day: "2026-03-03", count: 7, cumulative: 17 },
        ],
        generatedAt: "2026-03-05T12:00:00.000Z",
        source: `Source: ${getCampaign("en").title}, verified signatures, as of March 5, 2026 at 12:00 PM UTC`,
      });
      expect(Object.fromEntries(stats.countries.map((row) => [row.code, row.count]))).toEqual(expected.countries);
      expect(stats.daily.at(-1)!.cumulative).toBe(expected.total);
    });

    it("names countries and writes the source line in the locale asked for", async () => {
      const file = await getPressKitFile({ actor: viewer, file: "stats.json", locale: "ru", db, now: T0 });
      const stats = JSON.parse(text(file.body)) as PressKitStats;
      expect(stats.campaign).toBe(getCampaign("ru").title);
      expect(stats.countries.map((row) => row.name)).toEqual(["Украина", "Германия", "Польша"]);
      expect(stats.source).toBe(`Источник: ${getCampaign("ru").title}, подтверждённые подписи, данные на 5 марта 2026 г. в 12:00 UTC`);
    });
  });

  describe("charts", () => {
    it("returns the over-time SVG with its title, numbers and source line, well-formed enough for librsvg", async () => {
      const file = await getPressKitFile({ actor: viewer, file: "signatures-over-time.svg", locale: "en", db, now: T0 });
      expect(file.contentType).toBe("image/svg+xml; charset=utf-8");
      expect(file.filename).toMatch(/-signatures-over-time-en-2026-03-05\.svg$/);
      const svg = text(file.body);
      expect(svg).toContain("<title id=\"chart-title\">Verified signatures over time</title>");
      // Intl puts thin spaces around the dash of a date range.
      expect(svg).toMatch(/>17 verified signatures · March 1\s–\s3, 2026<\/text>/);
      expect(svg).toContain(`>Source: ${getCampaign("en").title}, verified signatures, as of March 5, 2026 at 12:00 PM UTC</text>`);
      expect(svg).toContain(">Cumulative</text>");
      expect(svg).toContain(">Per day</text>");
      expect(svg).not.toContain("@");
      const metadata = await sharp(Buffer.from(svg)).metadata();
      expect([metadata.format, metadata.width, metadata.height]).toEqual(["svg", 1200, 675]);
    });

    it("returns the countries SVG in Ukrainian, Cyrillic intact", async () => {
      const file = await getPressKitFile({ actor: viewer, file: "countries.svg", locale: "uk", db, now: T0 });
      const svg = text(file.body);
      expect(svg).toContain("<title id=\"chart-title\">Підписи за країнами (топ-3)</title>");
      expect(svg).toContain(">17 підтверджених підписів з 3 країн</text>");
      expect(svg).toContain(">Україна</text>");
      expect(svg).toContain(">Підтверджені підписи</text>");
      await expect(sharp(Buffer.from(svg)).png().toBuffer()).resolves.toBeInstanceOf(Buffer);
    });

    it.each(["signatures-over-time.png", "countries.png"] as const)("renders %s as a real 2400 × 1350 PNG with text in it", async (name) => {
      const file = await getPressKitFile({ actor: viewer, file: name, locale: "ru", db, now: T0 });
      expect(file.contentType).toBe("image/png");
      expect(file.filename).toMatch(new RegExp(`-${name.replace(".png", "")}-ru-2026-03-05\\.png$`));
      const png = file.body as Uint8Array;
      expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      const metadata = await sharp(png).metadata();
      expect([metadata.format, metadata.width, metadata.height]).toEqual(["png", 2400, 1350]);
      // The title's band (y 70–140 at 2x) has dark glyphs: the font was found, the text is drawn.
      const { data, info } = await sharp(png).extract({ left: 96, top: 70, width: 1200, height: 70 }).greyscale().raw().toBuffer({ resolveWithObject: true });
      const dark = data.filter((value) => value < 100).length;
      expect(dark / (info.width * info.height)).toBeGreaterThan(0.05);
    });
  });

  describe("the PNG cache", () => {
    it("serves the same bytes for 60 s per file and locale, then renders the counters afresh", async () => {
      const get = (now: number, locale: "en" | "ru" = "en") => getPressKitFile({ actor: viewer, file: "countries.png", locale, db, now });
      const first = await get(T0);
      db.update(statCounters).set({ count: 70 }).where(eq(statCounters.key, "UA")).run();

      const within = await get(T0 + PRESS_KIT_PNG_TTL_MS - 1);
      expect(within.body).toBe(first.body);
      const otherLocale = await get(T0 + 1, "ru");
      expect(Buffer.compare(Buffer.from(otherLocale.body), Buffer.from(first.body))).not.toBe(0);

      const after = await get(T0 + PRESS_KIT_PNG_TTL_MS);
      expect(Buffer.compare(Buffer.from(after.body), Buffer.from(first.body))).not.toBe(0);
      expect(await get(T0 + PRESS_KIT_PNG_TTL_MS + 1)).toHaveProperty("body", after.body);
    });

    it("renders once for requests that arrive while the first render is running", async () => {
      const [a, b, c] = await Promise.all([0, 1, 2].map((offset) => getPressKitFile({ actor: viewer, file: "signatures-over-time.png", locale: "uk", db, now: T0 + offset })));
      expect(b!.body).toBe(a!.body);
      expect(c!.body).toBe(a!.body);
    });

    it("is per database, so one campaign's counters never show in another's chart", async () => {
      const first = await getPressKitFile({ actor: viewer, file: "countries.png", locale: "en", db, now: T0 });
      const other = createTestDatabase();
      try {
        const fresh = await getPressKitFile({ actor: SYSTEM, file: "countries.png", locale: "en", db: other.db, now: T0 });
        expect(fresh.body).not.toBe(first.body);
      } finally {
        other.close();
      }
    });
  });

  describe("who may download, and the audit log", () => {
    it("lets a viewer (the lowest role) and the command line download, one audit row per call, cached or not", async () => {
      await getPressKitFile({ actor: viewer, file: "countries.png", locale: "en", db, now: T0 });
      await getPressKitFile({ actor: viewer, file: "countries.png", locale: "en", db, now: T0 + 1 });
      await getPressKitFile({ actor: viewer, file: "stats.json", locale: "uk", db, now: T0 + 2 });
      await getPressKitFile({ actor: SYSTEM, file: "signatures-over-time.svg", locale: "en", db, now: T0 + 3 });
      expect(audits()).toEqual([
        { actorEmail: "viewer@example.org", details: JSON.stringify({ file: "countries.png" }), createdAt: T0 },
        { actorEmail: "viewer@example.org", details: JSON.stringify({ file: "countries.png" }), createdAt: T0 + 1 },
        { actorEmail: "viewer@example.org", details: JSON.stringify({ file: "stats.json" }), createdAt: T0 + 2 },
        { actorEmail: "system (command line)", details: JSON.stringify({ file: "signatures-over-time.svg" }), createdAt: T0 + 3 },
      ]);
    });

    it("has no anonymous caller: an Actor is the command line or a signed-in organizer (routes answer 401 first)", async () => {
      expectTypeOf<Parameters<typeof getPressKitFile>[0]["actor"]>().toEqualTypeOf<Actor>();
      expectTypeOf<Actor["kind"]>().toEqualTypeOf<"system" | "organizer">();
      // @ts-expect-error a signed-out request has no Actor to pass
      await expect(getPressKitFile({ actor: undefined, file: "stats.json", locale: "en", db, now: T0 })).rejects.toThrow();
      expect(audits()).toEqual([]);
    });
  });

  it("draws a campaign without verified signatures as a chart that says so", async () => {
    const empty = createTestDatabase();
    try {
      const svg = text((await getPressKitFile({ actor: SYSTEM, file: "signatures-over-time.svg", locale: "en", db: empty.db, now: T0 })).body);
      // Said once, in the chart (no subtitle repeating it), and in the description for screen readers.
      expect(svg.match(/>No verified signatures yet\.<\/text>/g)).toHaveLength(1);
      expect(svg).toMatch(/<desc id="chart-desc">No verified signatures yet\.\nSource: /);
      const stats = JSON.parse(text((await getPressKitFile({ actor: SYSTEM, file: "stats.json", locale: "en", db: empty.db, now: T0 })).body)) as PressKitStats;
      expect(stats).toMatchObject({ total: 0, countries: [], daily: [] });
    } finally {
      empty.close();
    }
  });
});
