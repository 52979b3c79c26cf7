import "server-only";
import { and, asc, eq, gte, inArray } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { auditLog } from "@/db/schema";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { createDeliveryDocument, type DeliveryDocumentOptions } from "./delivery-document";
import { countryTotalsFilename, formatCountryTotalsCsv, getCountryTotals } from "./export-country-totals";
import { EXPORT_FILE_TARGET_TYPE, sha256Hex } from "./hash-stream";

// A recipient (a parliament's office, a journalist) gets files and a
// manifest of their SHA-256 checksums, and checks with the standard tool,
// `sha256sum -c`, that nothing was changed on the way. No zip: we ship no
// archive library, and separate files can be checked one by one.

/** Exports whose audit rows carry the file they produced (see exportFileTarget). */
export const MANIFEST_ACTIONS = ["export.deliveryPdf", "export.signaturesCsv", "export.countryTotals"] as const;

/** `<64 hex>  <name>`: one line of `sha256sum` output for a file read in text mode (two spaces). */
const MANIFEST_LINE = /^[0-9a-f]{64} {2}[^\\\r\n]+$/;

export type ExportManifest = {
  /** `sha256sum` format, one file a line, ending in a newline. */
  text: string;
  /** The same, for programs. */
  json: { algorithm: "sha256"; generatedAt: string; files: { name: string; sha256: string; bytes: number }[] };
};

/**
 * The line `sha256sum` prints for `name`. GNU sha256sum escapes names with a
 * backslash or a line break (and marks the line); such names are refused
 * instead, as are empty ones, padded ones and ones a shell tool would take
 * for an option (a leading dash): ours are generated (kind, scope, date).
 */
function formatManifestLine(sha256: string, name: string): string {
  const line = `${sha256}  ${name}`;
  if (name.trim() !== name || !MANIFEST_LINE.test(line) || name.startsWith("-")) {
    throw new Error(`a manifest cannot name ${JSON.stringify(name)}`);
  }
  return line;
}

/**
 * The SHA-256 manifest of files held in memory, as `sha256sum` prints it
 * (so `sha256sum -c manifest.sha256` checks them) and as JSON. Pure; anyone
 * may call it (it sees only what it is given).
 */
export function createExportManifest(options: {
  files: readonly { name: string; bytes: Uint8Array }[];
  generatedAt: number | Date;
}): ExportManifest {
  const seen = new Set<string>();
  const files = options.files.map(({ name, bytes }) => {
    // Two files of one name cannot both sit in the recipient's folder: one line would always fail.
    if (seen.has(name)) throw new Error(`the manifest names ${JSON.stringify(name)} twice`);
    seen.add(name);
    return { name, sha256: sha256Hex(bytes), bytes: bytes.byteLength };
  });
  const lines = files.map((file) => formatManifestLine(file.sha256, file.name));
  return {
    text: lines.map((line) => `${line}\n`).join(""),
    json: { algorithm: "sha256", generatedAt: new Date(options.generatedAt).toISOString(), files },
  };
}

/**
 * Every file exported since `since` (epoch ms; absent: ever) as a
 * `sha256sum` manifest, oldest first, from the audit log: each complete
 * export recorded its file's name and the SHA-256 of the bytes it sent.
 * Cancelled or failed exports produced no file and are not listed.
 *
 * File names carry the day, not the time, so one name can have been
 * exported twice (a draft, then the copy sent). Only the latest export of a
 * name is listed: `sha256sum -c` would report a second line of the same
 * name as FAILED whichever copy the recipient holds, and the latest is the
 * one a browser's download folder holds. An earlier copy can still be
 * checked against its own audit row (the audit page shows the line).
 *
 * Admins and owners, and the command line. Audited (`export.manifest`).
 */
export function getExportManifest(options: { actor: Actor; since?: number; db?: AppDatabase; now?: number }): { text: string; filename: string; lineCount: number } {
  assertCan(options.actor, "exportPersonalData");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const rows = db
    .select({ targetId: auditLog.targetId })
    .from(auditLog)
    .where(
      and(
        inArray(auditLog.action, [...MANIFEST_ACTIONS]),
        eq(auditLog.targetType, EXPORT_FILE_TARGET_TYPE),
        options.since === undefined ? undefined : gte(auditLog.createdAt, options.since),
      ),
    )
    .orderBy(asc(auditLog.createdAt), asc(auditLog.id))
    .all();
  const latestByName = new Map<string, string>();
  for (const { targetId } of rows) {
    // Only well-formed lines: a row written by hand or by an older version must not break the whole file.
    if (!targetId || !MANIFEST_LINE.test(targetId)) continue;
    const name = targetId.slice(66);
    // Re-inserted, so the list stays in the order of the exports listed.
    latestByName.delete(name);
    latestByName.set(name, targetId);
  }
  const lines = [...latestByName.values()];
  recordAudit(db, {
    actor: toAuditActor(options.actor),
    action: "export.manifest",
    details: { since: options.since === undefined ? null : new Date(options.since).toISOString() },
    rowCount: lines.length,
    now,
  });
  return {
    text: lines.map((line) => `${line}\n`).join(""),
    filename: `manifest-${new Date(now).toISOString().slice(0, 10)}.sha256`,
    lineCount: lines.length,
  };
}

export type DeliveryPackageFile = { name: string; contentType: string; bytes: Uint8Array };

/**
 * What an organizer hands to a parliament, as three files: the delivery
 * PDF, the per-country totals CSV and the manifest of both
 * (`delivery-DE-2026-11-21.sha256`). Admins, owners and the command line
 * (the PDF lists names). Each export is audited as usual (the PDF and the
 * totals each write their row, with their digest).
 *
 * The PDF is collected in memory to be hashed with the others: for a
 * document the size of a national campaign (a few MB) that is fine; the
 * streamed route is the way for very large ones.
 */
export async function createDeliveryPackage(options: DeliveryDocumentOptions): Promise<{ files: DeliveryPackageFile[]; manifest: ExportManifest }> {
  assertCan(options.actor, "exportPersonalData");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const pdf = createDeliveryDocument({ ...options, db, now });
  const pdfBytes = new Uint8Array(await new Response(pdf.stream).arrayBuffer());
  const csvBytes = new TextEncoder().encode(formatCountryTotalsCsv(getCountryTotals({ actor: options.actor, format: "csv", db, now })));
  const contents = [
    { name: pdf.filename, contentType: "application/pdf", bytes: pdfBytes },
    { name: countryTotalsFilename("csv", now), contentType: "text/csv; charset=utf-8", bytes: csvBytes },
  ];
  const manifest = createExportManifest({ files: contents, generatedAt: now });
  return {
    files: [
      ...contents,
      { name: pdf.filename.replace(/\.pdf$/, ".sha256"), contentType: "text/plain; charset=utf-8", bytes: new TextEncoder().encode(manifest.text) },
    ],
    manifest,
  };
}
