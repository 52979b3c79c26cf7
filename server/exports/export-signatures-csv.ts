import "server-only";
import { getDb, type AppDatabase } from "@/db/client";
import type { SignatureExportFilter } from "@/lib/schemas/export";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { formatCsvRecord } from "./csv-record";
import { createExportStream, openExportReader } from "./export-reader";
import { exportFileTarget, hashStream, type HashedStreamEnd } from "./hash-stream";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Rows per chunk: ~100 KB of CSV, large enough to keep per-chunk costs low, small enough to keep memory flat. */
const BATCH_ROWS = 1000;

export const SIGNATURES_CSV_COLUMNS = ["name", "email", "country", "city", "public_name", "verified_at"] as const;

// The BOM is what makes Excel read the file as UTF-8 (Cyrillic names); CRLF
// line ends are what RFC 4180 and Excel expect. Fields are formatted by
// formatCsvRecord, which also makes formulas such as =HYPERLINK(…) inert.
const CSV_HEAD = `\uFEFF${formatCsvRecord(SIGNATURES_CSV_COLUMNS)}`;

type ExportRow = [name: string, email: string, country: string, city: string | null, isPublicName: number, verifiedAt: number | null];

function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/**
 * The export's SELECT and its parameters. Exported for the query-plan test
 * only.
 *
 * `NOT INDEXED` + `ORDER BY id` makes SQLite walk the table in rowid order:
 * rows leave as they are found, with no sort. Left to itself the planner
 * picks signatures_public_list_idx for `status = ?` and then sorts every
 * matching row in a temp B-tree before returning the first one, which at a
 * million rows costs the first-byte budget and memory. A full scan of the
 * table is cheap next to formatting the CSV.
 */
export function buildSignatureExportQuery(filter: SignatureExportFilter): { sql: string; params: (string | number)[] } {
  const where = ["status = ?"];
  const params: (string | number)[] = [filter.status];
  if (filter.country) {
    where.push("country = ?");
    params.push(filter.country);
  }
  // See SignatureExportFilterSchema: verified signatures are dated by when they started to count.
  const dateColumn = filter.status === "verified" ? "verified_at" : "created_at";
  if (filter.from) {
    where.push(`${dateColumn} >= ?`);
    params.push(dayStart(filter.from));
  }
  if (filter.to) {
    where.push(`${dateColumn} < ?`);
    params.push(dayStart(filter.to) + DAY_MS);
  }
  return {
    sql: `SELECT name, email, country, city, is_public_name, verified_at FROM signatures NOT INDEXED WHERE ${where.join(" AND ")} ORDER BY id`,
    params,
  };
}

function toCsvRecord(row: ExportRow): string {
  const [name, email, country, city, isPublicName, verifiedAt] = row;
  return formatCsvRecord([name, email, country, city ?? "", isPublicName ? "true" : "false", verifiedAt === null ? "" : new Date(verifiedAt).toISOString()]);
}

/**
 * Streams signatures matching `filter` as a CSV download. Admins, owners and
 * the command line only (the file holds names and email addresses).
 *
 * Rows are read in batches as the client reads (a pull-based stream): memory
 * stays flat whatever the number of rows, and a slow client slows the read
 * instead of filling a buffer. The read-only connection is closed when the
 * stream ends, fails or is cancelled (the client went away), and one
 * `export.signaturesCsv` audit row is written on the main connection with
 * the filter and the number of rows sent (`aborted: true` when cut short).
 * A complete export's row also names the file and the SHA-256 of exactly
 * the bytes sent (hashed as they pass), for the delivery manifest.
 *
 * `databaseUrl` names the file to read; by default the main connection's
 * file (process.env.DATABASE_URL for getDb()).
 */
export function exportSignaturesCsv(options: {
  actor: Actor;
  filter: SignatureExportFilter;
  databaseUrl?: string;
  db?: AppDatabase;
  now?: number;
}): { stream: ReadableStream<Uint8Array>; filename: string } {
  assertCan(options.actor, "exportPersonalData");
  const { actor, filter } = options;
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const query = buildSignatureExportQuery(filter);

  // Opened before the response starts, so a missing file is a 500, not a truncated 200.
  const reader = openExportReader(db, options.databaseUrl);
  let rows: IterableIterator<ExportRow>;
  try {
    rows = reader.iterate<ExportRow>(query);
  } catch (error) {
    reader.release();
    throw error;
  }

  const filename = `signatures-${filter.status}-${new Date(now).toISOString().slice(0, 10)}.csv`;
  let rowCount = 0;
  // Called by hashStream once the source has released the reader (an
  // in-memory database is read on the main connection, which cannot write
  // while a cursor is open on it).
  const audit = (end: HashedStreamEnd) => {
    recordAudit(db, {
      actor: toAuditActor(actor),
      action: "export.signaturesCsv",
      ...(end.status === "complete" ? exportFileTarget(filename, end.sha256) : {}),
      details: { ...filter, ...(end.status === "cancelled" ? { aborted: true } : end.status === "failed" ? { aborted: true, failed: true } : {}) },
      rowCount,
      now,
    });
  };

  const encoder = new TextEncoder();
  const stream = createExportStream(reader, {
    start(controller) {
      // BOM and header go out at once, before any row is looked for: the
      // first byte does not wait for a selective filter's first match.
      controller.enqueue(encoder.encode(CSV_HEAD));
    },
    pull(controller) {
      let batch = "";
      let batchRows = 0;
      while (batchRows < BATCH_ROWS) {
        const next = rows.next();
        if (next.done) break;
        batch += toCsvRecord(next.value);
        batchRows += 1;
      }
      if (batchRows > 0) {
        controller.enqueue(encoder.encode(batch));
        rowCount += batchRows;
      }
      return batchRows < BATCH_ROWS ? "done" : "more";
    },
  });

  // Audited when the hashed stream ends, before it closes: if the audit
  // cannot be written, the download fails instead of completing unrecorded.
  return { stream: hashStream(stream, audit), filename };
}
