import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { openReadOnlyDatabase, type AppDatabase } from "@/db/client";
import { auditLog } from "@/db/schema";
import { parseSignatureExportFilter, type SignatureExportFilter } from "@/lib/schemas/export";
import { SYSTEM, type Actor } from "@/server/auth/actor";
import { AppError } from "@/server/errors";
import { createTestDatabase, setUpTestDatabase } from "@/test/database";
import { lastReadConnection, measureStream, readBytes } from "@/test/export-streams";
import { createOrganizer, insertSignatureRows, readAuditRows } from "@/test/factories";
import { buildSignatureExportQuery, exportSignaturesCsv } from "./export-signatures-csv";
import { forbidRealClock } from "@/test/clock";

// Watch the read-only connections the export opens, to see them closed.
vi.mock("@/db/client", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/db/client")>();
  return { ...actual, openReadOnlyDatabase: vi.fn(actual.openReadOnlyDatabase) };
});

const T0 = Date.parse("2026-03-01T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const BOM = [0xef, 0xbb, 0xbf];
const HEADER = "name,email,country,city,public_name,verified_at";

function filter(query = ""): SignatureExportFilter {
  const parsed = parseSignatureExportFilter(new URLSearchParams(query));
  if (!parsed.success) throw new Error(`bad filter: ${JSON.stringify(parsed.errors)}`);
  return parsed.data;
}

/** The CSV's lines after the BOM, without the final empty one. */
async function readLines(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const bytes = await readBytes(stream);
  expect([...bytes.subarray(0, 3)]).toEqual(BOM);
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(3));
  expect(text.endsWith("\r\n")).toBe(true);
  return text.slice(0, -2).split("\r\n");
}

describe("exportSignaturesCsv", () => {
  forbidRealClock();
  let db: AppDatabase;
  let admin: Actor;

  setUpTestDatabase((opened) => ({ db } = opened), { file: true });
  beforeEach(() => {
    admin = createOrganizer(db, { role: "admin", email: "admin@example.org", now: T0 });
    vi.mocked(openReadOnlyDatabase).mockClear();
  });

  it("writes a BOM, the header and each verified signature, formulas made inert", async () => {
    insertSignatureRows(db, [
      { name: "Анна Петрова", email: "anna@example.org", country: "UA", city: "Київ", isPublicName: true, verifiedAt: Date.parse("2026-03-02T08:30:00Z") },
      { name: '=HYPERLINK("http://x","y")', email: "x@example.org", country: "DE", city: null },
      { name: "Smith, John", email: "+1@example.org", country: "GB", city: "-London" },
    ], { now: T0 });

    const { stream, filename } = exportSignaturesCsv({ actor: admin, filter: filter(), db, now: T0 });

    expect(filename).toBe("signatures-verified-2026-03-01.csv");
    expect(await readLines(stream)).toEqual([
      HEADER,
      "Анна Петрова,anna@example.org,UA,Київ,true,2026-03-02T08:30:00.000Z",
      `"'=HYPERLINK(""http://x"",""y"")",x@example.org,DE,,false,2026-03-01T12:01:00.000Z`,
      `"Smith, John",'+1@example.org,GB,'-London,false,2026-03-01T12:01:00.000Z`,
    ]);
  });

  it("keeps pending, invalidated and withdrawn signatures out of a verified export", async () => {
    insertSignatureRows(db, [
      { name: "Verified One", status: "verified" },
      { name: "Pending One", status: "pending" },
      { name: "Invalidated One", status: "invalidated", verifiedAt: T0 },
      { name: "Withdrawn One", status: "withdrawn", verifiedAt: T0 },
    ], { now: T0 });

    const lines = await readLines(exportSignaturesCsv({ actor: admin, filter: filter(), db, now: T0 }).stream);

    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^Verified One,/);
  });

  it("exports another status when asked, with an empty verified_at where there is none", async () => {
    insertSignatureRows(db, [{ name: "Verified One" }, { name: "Pending One", status: "pending", city: null }], { now: T0 });

    const { stream, filename } = exportSignaturesCsv({ actor: admin, filter: filter("status=pending"), db, now: T0 });

    expect(filename).toBe("signatures-pending-2026-03-01.csv");
    expect(await readLines(stream)).toEqual([HEADER, "Pending One,signer2@example.org,DE,,false,"]);
  });

  it("filters by country", async () => {
    insertSignatureRows(db, [{ name: "Olena", country: "UA" }, { name: "Jan", country: "PL" }, { name: "Oksana", country: "UA" }], { now: T0 });

    const lines = await readLines(exportSignaturesCsv({ actor: admin, filter: filter("country=ua"), db, now: T0 }).stream);

    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(["Olena", "Oksana"]);
  });

  it("filters verified signatures by the UTC days they were verified on, both ends included", async () => {
    const march = (iso: string) => Date.parse(`2026-03-${iso}Z`);
    insertSignatureRows(db, [
      { name: "Before", createdAt: march("01T00:00:00"), verifiedAt: march("02T23:59:59.999") },
      { name: "First", createdAt: march("01T00:00:00"), verifiedAt: march("03T00:00:00") },
      { name: "Last", createdAt: march("01T00:00:00"), verifiedAt: march("07T23:59:59.999") },
      { name: "After", createdAt: march("05T00:00:00"), verifiedAt: march("08T00:00:00") },
    ], { now: T0 });

    const lines = await readLines(exportSignaturesCsv({ actor: admin, filter: filter("from=2026-03-03&to=2026-03-07"), db, now: T0 }).stream);

    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(["First", "Last"]);
  });

  it("filters other statuses by the day they signed", async () => {
    insertSignatureRows(db, [
      { name: "Early", status: "invalidated", createdAt: T0 - DAY, verifiedAt: T0 + 3 * DAY },
      { name: "OnTheDay", status: "invalidated", createdAt: T0, verifiedAt: null },
      { name: "Verified", status: "verified", createdAt: T0 },
    ], { now: T0 });

    const lines = await readLines(exportSignaturesCsv({ actor: admin, filter: filter("status=invalidated&from=2026-03-01&to=2026-03-01"), db, now: T0 }).stream);

    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(["OnTheDay"]);
  });

  it("sends the header alone when nothing matches", async () => {
    insertSignatureRows(db, [{ country: "DE" }], { now: T0 });
    expect(await readLines(exportSignaturesCsv({ actor: admin, filter: filter("country=FR"), db, now: T0 }).stream)).toEqual([HEADER]);
  });

  it("walks the table in id order without sorting, whatever the filter", () => {
    for (const query of ["", "status=pending", "country=UA&from=2026-03-01", "status=withdrawn&from=2026-03-01&to=2026-03-02"]) {
      const { sql, params } = buildSignatureExportQuery(filter(query));
      const plan = db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      expect(plan.map((step) => step.detail)).toEqual(["SCAN signatures"]);
    }
  });

  it("refuses a viewer before opening anything or writing an audit row", () => {
    const viewer = createOrganizer(db, { role: "viewer", email: "viewer@example.org", now: T0 });
    const attempt = () => exportSignaturesCsv({ actor: viewer, filter: filter(), db, now: T0 });

    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(openReadOnlyDatabase).not.toHaveBeenCalled();
    expect(readAuditRows(db, "export.signaturesCsv")).toEqual([]);
  });

  it("lets owners and the command line export", async () => {
    insertSignatureRows(db, [{}], { now: T0 });
    const owner = createOrganizer(db, { role: "owner", email: "owner@example.org", now: T0 });
    expect(await readLines(exportSignaturesCsv({ actor: owner, filter: filter(), db, now: T0 }).stream)).toHaveLength(2);
    expect(await readLines(exportSignaturesCsv({ actor: SYSTEM, filter: filter(), db, now: T0 }).stream)).toHaveLength(2);
    expect(readAuditRows(db, "export.signaturesCsv").map((row) => row.actorEmail)).toEqual(["owner@example.org", "system (command line)"]);
  });

  it("reads from its own read-only connection, closes it at the end and writes one audit row", async () => {
    insertSignatureRows(db, Array.from({ length: 2500 }, () => ({})), { now: T0 });
    insertSignatureRows(db, [{ status: "pending" }], { now: T0 });

    const { stream } = exportSignaturesCsv({ actor: admin, filter: filter("country=DE&from=2026-03-01"), db, now: T0 });
    const reader = lastReadConnection();
    expect(reader.$client.readonly).toBe(true);
    expect(reader.$client).not.toBe(db.$client);
    expect(readAuditRows(db, "export.signaturesCsv")).toEqual([]);

    expect(await readLines(stream)).toHaveLength(2501);

    expect(reader.$client.open).toBe(false);
    const audits = readAuditRows(db, "export.signaturesCsv");
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorUserId: admin.kind === "organizer" ? admin.id : null, actorEmail: "admin@example.org", rowCount: 2500, createdAt: T0 });
    expect(JSON.parse(audits[0]!.details!)).toEqual({ status: "verified", country: "DE", from: "2026-03-01" });
  });

  it("closes the read-only connection and audits an aborted export when the client goes away", async () => {
    insertSignatureRows(db, Array.from({ length: 10_000 }, () => ({})), { now: T0 });

    const { stream } = exportSignaturesCsv({ actor: admin, filter: filter(), db, now: T0 });
    const connection = lastReadConnection();
    const reader = stream.getReader();
    await reader.read(); // BOM and header
    await reader.read(); // the first batch of rows
    // Give an eager stream every chance to run ahead of its reader.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(connection.$client.open).toBe(true);

    await reader.cancel();

    expect(connection.$client.open).toBe(false);
    const audits = readAuditRows(db, "export.signaturesCsv");
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0]!.details!)).toEqual({ status: "verified", aborted: true });
    // Rows handed to the stream by then: the batch read and at most the two
    // chunks the stream reads ahead (pull-based), nowhere near all of them.
    expect(audits[0]!.rowCount).toBeGreaterThanOrEqual(1000);
    expect(audits[0]!.rowCount).toBeLessThanOrEqual(3000);
  });

  it("fails before streaming when the database file cannot be opened", () => {
    expect(() => exportSignaturesCsv({ actor: admin, filter: filter(), db, databaseUrl: "file:/nonexistent/app.db", now: T0 })).toThrow();
    expect(readAuditRows(db, "export.signaturesCsv")).toEqual([]);
  });

  it("reads an in-memory database (tests) on its only connection", async () => {
    const memory = createTestDatabase();
    try {
      insertSignatureRows(memory.db, [{ name: "Only One" }], { now: T0 });
      const lines = await readLines(exportSignaturesCsv({ actor: SYSTEM, filter: filter(), db: memory.db, now: T0 }).stream);
      expect(lines).toEqual([HEADER, expect.stringMatching(/^Only One,/)]);
      expect(openReadOnlyDatabase).not.toHaveBeenCalled();
      expect(memory.db.select().from(auditLog).where(and(eq(auditLog.action, "export.signaturesCsv"), eq(auditLog.rowCount, 1))).all()).toHaveLength(1);
    } finally {
      memory.close();
    }
  });

  it("streams 200,000 rows with flat memory while the main connection keeps writing", async ({ annotate }) => {
    const ROWS = 200_000;
    insertSignatureRows(
      db,
      (function* () {
        for (let i = 0; i < ROWS; i += 1) yield { name: i % 2 ? `Signer ${i}` : `Підписант ${i}`, country: i % 3 ? "DE" : "UA" };
      })(),
      { now: T0 },
    );
    // A clean baseline: measureStream collects what the insert left behind first.
    let lines = 0;
    let hasWritten = false;
    const { bytes, firstByteMs, totalMs, heapGrowthMb: growthMb, buffersGrowthMb } = await measureStream(
      () => exportSignaturesCsv({ actor: admin, filter: filter(), db, now: T0 }).stream,
      (chunk) => {
        for (const byte of chunk) if (byte === 0x0a) lines += 1;
        if (!hasWritten && lines > ROWS / 2) {
          // Half-way through: the main connection still writes (the export holds no lock on it)…
          insertSignatureRows(db, [{ name: "Signed during the export", email: "late@example.org" }], { now: T0 });
          hasWritten = true;
        }
      },
    );
    await annotate(
      `${ROWS} rows, ${(bytes / 1024 / 1024).toFixed(1)} MB of CSV in ${totalMs.toFixed(0)} ms; first byte after ${firstByteMs?.toFixed(1)} ms; ` +
        `growth at most ${growthMb.toFixed(1)} MB of heap, ${buffersGrowthMb.toFixed(1)} MB of buffers`,
    );

    expect(hasWritten).toBe(true);
    // …and the export reads one consistent snapshot: the late row is not in it.
    expect(lines).toBe(ROWS + 1);
    expect(readAuditRows(db, "export.signaturesCsv")[0]?.rowCount).toBe(ROWS);
    expect(db.$client.prepare("SELECT COUNT(*) AS n FROM signatures").get()).toEqual({ n: ROWS + 1 });
    expect(growthMb).toBeLessThan(60);
    expect(buffersGrowthMb).toBeLessThan(10);
  });
});
