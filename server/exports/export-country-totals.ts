import "server-only";
import { stringify } from "csv-stringify/sync";
import { getDb, type AppDatabase } from "@/db/client";
import { getCountryName } from "@/lib/countries";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { getStats } from "@/server/stats/get-stats";
import { exportFileTarget, sha256Hex } from "./hash-stream";

export type CountryTotal = { country: string; countryName: string; count: number };

export const COUNTRY_TOTALS_FORMATS = ["csv", "json"] as const;
export type CountryTotalsFormat = (typeof COUNTRY_TOTALS_FORMATS)[number];

/**
 * Verified signatures per country, most first (ties by code), with English
 * names. Viewers and up, and the command line: these are the public
 * counters, not personal data, but every export is still audited
 * (`export.countryTotals` with the format asked for and the number of rows,
 * and as its target the file's name and the SHA-256 of the text the routes
 * send: formatCountryTotalsCsv / formatCountryTotalsJson of these rows).
 *
 * Read from the counters (getStats), never a COUNT over signatures, so the
 * cost does not grow with the campaign and the numbers match the site's.
 */
export function getCountryTotals(options: {
  actor: Actor;
  format?: CountryTotalsFormat;
  db?: AppDatabase;
  now?: number;
}): CountryTotal[] {
  assertCan(options.actor, "readTotals");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const { countries } = getStats({ db, now });
  const rows = Object.entries(countries)
    .map(([country, count]) => ({ country, countryName: getCountryName(country, "en"), count }))
    .sort((a, b) => b.count - a.count || a.country.localeCompare(b.country));
  const format = options.format ?? "json";
  // The routes format the rows with the same pure functions, so this is the
  // digest of the bytes they send (formatting is cheap: one row a country).
  const text = format === "csv" ? formatCountryTotalsCsv(rows) : formatCountryTotalsJson(rows);
  recordAudit(db, {
    actor: toAuditActor(options.actor),
    action: "export.countryTotals",
    ...exportFileTarget(countryTotalsFilename(format, now), sha256Hex(text)),
    details: { format },
    rowCount: rows.length,
    now,
  });
  return rows;
}

/**
 * The totals as CSV (country, country_name, signatures) with a BOM so Excel
 * reads it as UTF-8, and formula escaping like the signatures export. Pure.
 */
export function formatCountryTotalsCsv(rows: readonly CountryTotal[]): string {
  return stringify(
    rows.map((row) => [row.country, row.countryName, row.count]),
    { bom: true, header: true, columns: ["country", "country_name", "signatures"], escape_formulas: true, record_delimiter: "windows" },
  );
}

/**
 * The totals as the JSON route sends them (`{ countries: [...] }`, what
 * jsonResponse writes). Pure.
 */
export function formatCountryTotalsJson(rows: readonly CountryTotal[]): string {
  return JSON.stringify({ countries: rows });
}

/** `countries-2026-11-21.csv`: the name the CSV route gives the download (UTC day). */
export function countryTotalsFilename(format: CountryTotalsFormat, now: number): string {
  return `countries-${new Date(now).toISOString().slice(0, 10)}.${format}`;
}
