import "server-only";
import { getDb, type AppDatabase } from "@/db/client";
import { isCountryCode } from "@/lib/countries";
import type { Locale } from "@/lib/i18n/locales";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { getCampaign } from "@/server/content/get-campaign";
import { AppError } from "@/server/errors";
import { toDayKey } from "@/lib/signature-lifecycle";
import { getStats } from "@/server/stats/get-stats";
import { DeliveryPdf, type NamedSignerRow } from "./delivery-pdf";
import { createExportStream, openExportReader } from "./export-reader";
import { exportFileTarget, hashStream, type HashedStreamEnd } from "./hash-stream";

// The document organizers hand to a parliament (demand 5): the letter, its
// demands, the numbers and the names of the signers who chose to be named.
// Streamed like the signatures CSV (decision 0008): names are read from a
// read-only connection and written into pdfkit as the client reads, so a
// document with a million names costs the same memory as one with ten.
// This file reads and streams; server/exports/delivery-pdf.ts lays out.

/**
 * pdfkit writes a page out when the next one starts; each pull writes names
 * until at least this much of the file is ready (a few pages), so a pull
 * always hands the reader something and the per-pull cost stays low.
 */
const MIN_CHUNK_BYTES = 32 * 1024;

/**
 * The named signers' SELECT: verified signers who chose to show their name,
 * in the order they were confirmed. Exported for the query-plan test only.
 *
 * signatures_public_list_idx (status, is_public_name, verified_at, id) gives
 * the rows already in this order: the first name leaves without a sort,
 * whatever the number of signers.
 */
export function buildNamedSignersQuery(country: string | undefined): { sql: string; params: string[] } {
  return {
    sql:
      "SELECT name, country, verified_at FROM signatures INDEXED BY signatures_public_list_idx " +
      `WHERE status = 'verified' AND is_public_name = 1${country ? " AND country = ?" : ""} ORDER BY verified_at, id`,
    params: country ? [country] : [],
  };
}

/** Who asks for the delivery document, and for which country and language. */
export type DeliveryDocumentOptions = {
  actor: Actor;
  /** ISO 3166-1 alpha-2; absent means every country. */
  country?: string;
  locale: Locale;
  db?: AppDatabase;
  /** The file to read names from; by default the main connection's. */
  databaseUrl?: string;
  now?: number;
};

/**
 * Streams the delivery document as an A4 PDF: the campaign title, the date
 * of delivery, the verified total (and the country's, when one is chosen),
 * the dates of the first and last confirmed signature, the five demands,
 * the letter with its label (original, published translation or
 * translation) and source, its authors, then every verified signer of that
 * country (or of all) who chose to show their name (name, country, date of
 * confirmation) and the number of those counted but not named.
 *
 * Admins, owners and the command line only: it holds names. Only public
 * names are printed; email addresses, cities and private names never enter
 * the document.
 *
 * Counters, dates and names come from one snapshot of the read-only
 * connection, so "N further signers" is exact. Headings are in `locale`;
 * the letter is the text getCampaign(locale) publishes, with its label.
 *
 * One `export.deliveryPdf` audit row ({ country, locale }, rowCount = names
 * printed) is written when the stream ends; a complete one names the file
 * and the SHA-256 of exactly the bytes sent, for the delivery manifest.
 */
export function createDeliveryDocument(options: DeliveryDocumentOptions): { stream: ReadableStream<Uint8Array>; filename: string } {
  assertCan(options.actor, "exportPersonalData");
  const { actor, locale } = options;
  const country = options.country?.toUpperCase();
  // The code goes into the file name and the SQL parameters: only a real one.
  if (country !== undefined && !isCountryCode(country)) throw new AppError("INVALID", "countryInvalid", { country: "countryInvalid" });
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const filename = `delivery-${country ?? "all"}-${toDayKey(now)}.pdf`;
  const campaign = getCampaign(locale);

  // Opened before the response starts, so a missing file or font is a 500, not a truncated 200.
  const reader = openExportReader(db, options.databaseUrl);
  let names: IterableIterator<NamedSignerRow>;
  let document: DeliveryPdf;
  try {
    // One read transaction: the counters, the date range and the names all
    // come from the same snapshot while signing goes on. Not on the main
    // connection (in-memory tests), where it would hold up writers.
    if (reader.isSeparate) reader.client.exec("BEGIN");
    const stats = getStats({ db: reader.db, now });
    const scopeTotal = country ? (stats.countries[country] ?? 0) : stats.total;
    const range = reader.client
      .prepare(`SELECT MIN(verified_at) AS first, MAX(verified_at) AS last FROM signatures WHERE status = 'verified'${country ? " AND country = ?" : ""}`)
      .get(...(country ? [country] : [])) as { first: number | null; last: number | null };
    names = reader.iterate<NamedSignerRow>(buildNamedSignersQuery(country));
    document = new DeliveryPdf({ campaign, locale, country, now, total: stats.total, scopeTotal, range });
  } catch (error) {
    // Releasing also ends the snapshot's read transaction.
    reader.release();
    throw error;
  }

  const audit = (end: HashedStreamEnd) => {
    recordAudit(db, {
      actor: toAuditActor(actor),
      action: "export.deliveryPdf",
      ...(end.status === "complete" ? exportFileTarget(filename, end.sha256) : {}),
      details: {
        country: country ?? null,
        locale,
        ...(end.status === "complete" ? { bytes: end.bytes } : end.status === "cancelled" ? { aborted: true } : { aborted: true, failed: true }),
      },
      rowCount: document.namedCount,
      now,
    });
  };

  const stream = createExportStream(reader, {
    start(controller) {
      // The front matter is already written: it leaves at once.
      document.drain(controller);
    },
    pull(controller) {
      // Write names until pdfkit has a few pages ready (or the list ends):
      // every pull enqueues something, or the reader would wait for a pull
      // that never comes.
      while (document.bufferedBytes < MIN_CHUNK_BYTES) {
        const next = names.next();
        if (next.done) {
          document.end();
          document.drain(controller);
          return "done";
        }
        document.writeSigner(next.value);
      }
      document.drain(controller);
      return "more";
    },
  });

  // Audited when the hashed stream ends, before it closes: if the audit
  // cannot be written, the download fails instead of completing unrecorded.
  return { stream: hashStream(stream, audit), filename };
}
