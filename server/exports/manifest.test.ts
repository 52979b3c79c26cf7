import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { GET as getCountriesCsv } from "@/app/admin/exports/countries.csv/route";
import { GET as getCountriesJson } from "@/app/admin/exports/countries.json/route";
import type { AppDatabase } from "@/db/client";
import { auditLog } from "@/db/schema";
import { parseSignatureExportFilter } from "@/lib/schemas/export";
import { SYSTEM, type Actor } from "@/server/auth/actor";
import { requireOrganizer, type Organizer } from "@/server/auth/require-organizer";
import { setUpTestDatabase } from "@/test/database";
import { readBytes } from "@/test/export-streams";
import { createOrganizer, insertSignatureRows } from "@/test/factories";
import { createDeliveryDocument } from "./delivery-document";
import { exportSignaturesCsv } from "./export-signatures-csv";
import { sha256Hex } from "./hash-stream";
import { createDeliveryPackage, createExportManifest, getExportManifest } from "./manifest";
import { forbidRealClock } from "@/test/clock";

// The country routes are called for real (to hash what they send); only the session guard is replaced.
vi.mock("@/server/auth/require-organizer", () => ({ requireOrganizer: vi.fn() }));

const NOW = Date.parse("2026-11-21T09:30:00Z");
const DAY = 24 * 60 * 60 * 1000;

/** Writes `files` and `manifest` into a fresh folder and runs the real `sha256sum -c` there, as a recipient would. */
function checkWithSha256sum(files: Record<string, Uint8Array>, manifest: string, args: string[] = []): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-manifest-"));
  try {
    for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
    fs.writeFileSync(path.join(dir, "manifest.sha256"), manifest);
    const result = spawnSync("sha256sum", ["-c", ...args, "manifest.sha256"], { cwd: dir, encoding: "utf8" });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("createExportManifest", () => {
  forbidRealClock();
  const files = [
    { name: "delivery-DE-2026-11-21.pdf", bytes: new TextEncoder().encode("%PDF-1.3 not really") },
    { name: "countries-2026-11-21.csv", bytes: new TextEncoder().encode("\uFEFFcountry,country_name,signatures\r\nDE,Germany,2\r\n") },
  ];

  it("writes one sha256sum line per file, and the same as JSON", () => {
    const manifest = createExportManifest({ files, generatedAt: NOW });

    expect(manifest.text).toBe(`${sha256Hex(files[0]!.bytes)}  delivery-DE-2026-11-21.pdf\n${sha256Hex(files[1]!.bytes)}  countries-2026-11-21.csv\n`);
    expect(manifest.json).toEqual({
      algorithm: "sha256",
      generatedAt: "2026-11-21T09:30:00.000Z",
      files: files.map((file) => ({ name: file.name, sha256: sha256Hex(file.bytes), bytes: file.bytes.byteLength })),
    });
  });

  it("is checked by the real sha256sum -c, which also catches a changed byte", () => {
    const { text } = createExportManifest({ files, generatedAt: NOW });
    const intact = Object.fromEntries(files.map((file) => [file.name, file.bytes]));

    const ok = checkWithSha256sum(intact, text);
    expect(ok.output).toBe("delivery-DE-2026-11-21.pdf: OK\ncountries-2026-11-21.csv: OK\n");
    expect(ok.status).toBe(0);

    const tampered = { ...intact, "countries-2026-11-21.csv": new TextEncoder().encode("\uFEFFcountry,country_name,signatures\r\nDE,Germany,20\r\n") };
    const failed = checkWithSha256sum(tampered, text);
    expect(failed.status).not.toBe(0);
    expect(failed.output).toContain("countries-2026-11-21.csv: FAILED");
  });

  it.each(["", "two\nlines.pdf", "back\\slash.pdf", " leading.pdf", "-dash.pdf"])("refuses to name %j", (name) => {
    expect(() => createExportManifest({ files: [{ name, bytes: new Uint8Array() }], generatedAt: NOW })).toThrow();
  });

  it("refuses two files of one name", () => {
    expect(() => createExportManifest({ files: [files[0]!, files[0]!], generatedAt: NOW })).toThrow(/twice/);
  });
});

describe("getExportManifest", () => {
  let db: AppDatabase;
  let admin: Organizer;

  setUpTestDatabase((opened) => ({ db } = opened), { file: true });
  beforeEach(() => {
    admin = createOrganizer(db, { role: "admin", now: NOW });
    vi.mocked(requireOrganizer).mockResolvedValue(admin);
    insertSignatureRows(db, [
      { name: "Ёлка Кириллица", country: "DE", isPublicName: true },
      { name: "Greta Geheim", country: "DE", isPublicName: false },
      { name: "Olena", country: "UA", isPublicName: true },
    ], { now: NOW - 10 * DAY });
  });

  it("lists every file exported since the date, and sha256sum -c accepts the files exactly as they were sent", async () => {
    // An older export, before `since`: not listed.
    await readBytes(createDeliveryDocument({ actor: admin, country: "UA", locale: "en", db, now: NOW - 3 * DAY }).stream);

    const pdf = createDeliveryDocument({ actor: admin, country: "DE", locale: "ru", db, now: NOW });
    const csvFilter = parseSignatureExportFilter(new URLSearchParams("country=DE"));
    if (!csvFilter.success) throw new Error("bad filter");
    const csv = exportSignaturesCsv({ actor: admin, filter: csvFilter.data, db, now: NOW + 1 });
    const sent: Record<string, Uint8Array> = {
      [pdf.filename]: await readBytes(pdf.stream),
      [csv.filename]: await readBytes(csv.stream),
    };
    // The country routes as a browser gets them; they read the clock themselves.
    vi.useFakeTimers({ toFake: ["Date"], now: NOW + 2 });
    try {
      sent["countries-2026-11-21.csv"] = new Uint8Array(await (await getCountriesCsv()).arrayBuffer());
      sent["countries-2026-11-21.json"] = new Uint8Array(await (await getCountriesJson()).arrayBuffer());
    } finally {
      vi.useRealTimers();
    }
    // A download cut short made no file: not listed.
    const aborted = createDeliveryDocument({ actor: admin, locale: "en", db, now: NOW + 3 });
    await aborted.stream.cancel();

    const manifest = getExportManifest({ actor: admin, since: NOW - DAY, db, now: NOW + DAY });

    expect(manifest.filename).toBe("manifest-2026-11-22.sha256");
    const names = manifest.text.trimEnd().split("\n").map((line) => line.slice(66));
    expect(names.sort()).toEqual(Object.keys(sent).sort());
    const check = checkWithSha256sum(sent, manifest.text, ["--strict"]);
    expect(check.status).toBe(0);
    expect(check.output.trimEnd().split("\n").sort()).toEqual(Object.keys(sent).map((name) => `${name}: OK`).sort());

    const audit = db.select().from(auditLog).where(eq(auditLog.action, "export.manifest")).get();
    expect(audit).toMatchObject({ actorEmail: "admin@organizers.example", rowCount: 4, createdAt: NOW + DAY });
    expect(JSON.parse(audit!.details!)).toEqual({ since: "2026-11-20T09:30:00.000Z" });
  });

  it("lists only the latest export of a name, the copy a download folder holds", async () => {
    const first = await readBytes(createDeliveryDocument({ actor: admin, country: "DE", locale: "en", db, now: NOW }).stream);
    const second = createDeliveryDocument({ actor: SYSTEM, country: "DE", locale: "uk", db, now: NOW + 60_000 });
    const secondBytes = await readBytes(second.stream);
    expect(sha256Hex(first)).not.toBe(sha256Hex(secondBytes));

    const { text, lineCount } = getExportManifest({ actor: SYSTEM, db, now: NOW + DAY });

    expect(lineCount).toBe(1);
    expect(text).toBe(`${sha256Hex(secondBytes)}  ${second.filename}\n`);
    expect(checkWithSha256sum({ [second.filename]: secondBytes }, text).status).toBe(0);
  });

  it("is empty when nothing was exported since the date", () => {
    expect(getExportManifest({ actor: admin, since: NOW, db, now: NOW })).toEqual({ text: "", filename: "manifest-2026-11-21.sha256", lineCount: 0 });
  });

  it("refuses a viewer", () => {
    const viewer: Actor = createOrganizer(db, { role: "viewer", now: NOW });
    expect(() => getExportManifest({ actor: viewer, db, now: NOW })).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(db.select().from(auditLog).where(eq(auditLog.action, "export.manifest")).all()).toEqual([]);
  });
});

describe("createDeliveryPackage", () => {
  let db: AppDatabase;

  setUpTestDatabase((opened) => ({ db } = opened), { file: true });
  beforeEach(() => {
    insertSignatureRows(db, [
      { name: "Ёлка Кириллица", country: "DE", isPublicName: true },
      { name: "Olena", country: "UA", isPublicName: true },
    ], { now: NOW - 10 * DAY });
  });

  it("hands over the PDF, the country totals and a manifest of both that sha256sum -c accepts", async () => {
    const owner = createOrganizer(db, { role: "owner", now: NOW });

    const { files, manifest } = await createDeliveryPackage({ actor: owner, country: "DE", locale: "en", db, now: NOW });

    expect(files.map(({ name, contentType }) => ({ name, contentType }))).toEqual([
      { name: "delivery-DE-2026-11-21.pdf", contentType: "application/pdf" },
      { name: "countries-2026-11-21.csv", contentType: "text/csv; charset=utf-8" },
      { name: "delivery-DE-2026-11-21.sha256", contentType: "text/plain; charset=utf-8" },
    ]);
    const [pdf, csv, sums] = files;
    expect(new TextDecoder().decode(sums!.bytes)).toBe(manifest.text);
    expect(new TextDecoder().decode(csv!.bytes)).toContain("DE,Germany,1");
    expect(checkWithSha256sum({ [pdf!.name]: pdf!.bytes, [csv!.name]: csv!.bytes }, manifest.text, ["--strict"]).status).toBe(0);

    // Each export wrote its own audit row, with the same digest as the manifest.
    const targets = db.select({ action: auditLog.action, targetId: auditLog.targetId }).from(auditLog).orderBy(auditLog.id).all();
    expect(targets).toEqual([
      { action: "export.deliveryPdf", targetId: `${sha256Hex(pdf!.bytes)}  ${pdf!.name}` },
      { action: "export.countryTotals", targetId: `${sha256Hex(csv!.bytes)}  ${csv!.name}` },
    ]);
  });

  it("refuses a viewer before exporting anything", async () => {
    const viewer = createOrganizer(db, { role: "viewer", now: NOW });
    await expect(createDeliveryPackage({ actor: viewer, locale: "en", db })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(db.select().from(auditLog).all()).toEqual([]);
  });
});
