import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { auditLog } from "@/db/schema";
import { SYSTEM } from "@/server/auth/actor";
import { setUpTestDatabase } from "@/test/database";
import { createOrganizer, seedCounters } from "@/test/factories";
import { formatCountryTotalsCsv, getCountryTotals } from "./export-country-totals";
import { forbidRealClock } from "@/test/clock";

const T0 = Date.parse("2026-03-01T12:00:00Z");

describe("getCountryTotals", () => {
  forbidRealClock();
  let db: AppDatabase;

  setUpTestDatabase((opened) => ({ db } = opened));
  beforeEach(() => {
    seedCounters(db, [
      { scope: "total", key: "", count: 17 },
      { scope: "country", key: "DE", count: 5 },
      { scope: "country", key: "UA", count: 7 },
      { scope: "country", key: "PL", count: 5 },
      // Every signature from here was withdrawn: the counter stays at zero and is not a row.
      { scope: "country", key: "XK", count: 0 },
      { scope: "status", key: "pending", count: 40 },
    ]);
  });

  it("lists verified signatures per country from the counters, most first, with English names", () => {
    const viewer = createOrganizer(db, { role: "viewer", email: "viewer@example.org", now: T0 });
    expect(getCountryTotals({ actor: viewer, db, now: T0 })).toEqual([
      { country: "UA", countryName: "Ukraine", count: 7 },
      { country: "DE", countryName: "Germany", count: 5 },
      { country: "PL", countryName: "Poland", count: 5 },
    ]);
  });

  it("audits each export with its format and number of rows", () => {
    const viewer = createOrganizer(db, { role: "viewer", email: "viewer@example.org", now: T0 });
    getCountryTotals({ actor: viewer, format: "csv", db, now: T0 });
    getCountryTotals({ actor: SYSTEM, db, now: T0 + 1 });

    const audits = db.select().from(auditLog).where(eq(auditLog.action, "export.countryTotals")).orderBy(auditLog.id).all();
    expect(audits.map(({ actorEmail, details, rowCount, createdAt }) => ({ actorEmail, details, rowCount, createdAt }))).toEqual([
      { actorEmail: "viewer@example.org", details: JSON.stringify({ format: "csv" }), rowCount: 3, createdAt: T0 },
      { actorEmail: "system (command line)", details: JSON.stringify({ format: "json" }), rowCount: 3, createdAt: T0 + 1 },
    ]);
  });
});

describe("formatCountryTotalsCsv", () => {
  it("writes a BOM, the header and one line per country", () => {
    const csv = formatCountryTotalsCsv([
      { country: "UA", countryName: "Ukraine", count: 7 },
      { country: "CI", countryName: "Côte d’Ivoire", count: 2 },
      { country: "BQ", countryName: "Caribbean Netherlands, Bonaire", count: 1 },
    ]);
    expect(csv).toBe(
      "\uFEFFcountry,country_name,signatures\r\nUA,Ukraine,7\r\nCI,Côte d’Ivoire,2\r\nBQ,\"Caribbean Netherlands, Bonaire\",1\r\n",
    );
  });

  it("makes a formula-looking name inert and still writes the header when there are no rows", () => {
    expect(formatCountryTotalsCsv([{ country: "XX", countryName: "=1+1", count: 1 }])).toBe("\uFEFFcountry,country_name,signatures\r\nXX,'=1+1,1\r\n");
    expect(formatCountryTotalsCsv([])).toBe("\uFEFFcountry,country_name,signatures\r\n");
  });
});
