import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { openReadOnlyDatabase, type AppDatabase } from "@/db/client";
import { SYSTEM, type Actor } from "@/server/auth/actor";
import { getCampaign } from "@/server/content/get-campaign";
import { AppError } from "@/server/errors";
import { PDFParse } from "pdf-parse";
import { createTestDatabase, setUpTestDatabase } from "@/test/database";
import { lastReadConnection, measureStream, readBytes } from "@/test/export-streams";
import { createOrganizer, insertSignatureRows, readAuditRows } from "@/test/factories";
import { buildNamedSignersQuery, createDeliveryDocument } from "./delivery-document";
import { forbidRealClock } from "@/test/clock";

// Watch the read-only connections the export opens, to see them closed.
vi.mock("@/db/client", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/db/client")>();
  return { ...actual, openReadOnlyDatabase: vi.fn(actual.openReadOnlyDatabase) };
});

const T0 = Date.parse("2026-03-01T12:00:00Z");
const NOW = Date.parse("2026-11-21T09:30:00Z");

/** The document's text as a reader's PDF software extracts it, whitespace collapsed. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  // A copy: pdf.js transfers (detaches) the buffer it is given.
  const parser = new PDFParse({ data: bytes.slice() });
  try {
    const { text } = await parser.getText();
    return text.replace(/\s+/g, " ");
  } finally {
    await parser.destroy();
  }
}

describe("createDeliveryDocument", () => {
  forbidRealClock();
  let db: AppDatabase;
  let admin: Actor;

  setUpTestDatabase((opened) => ({ db } = opened), { file: true });
  beforeEach(() => {
    admin = createOrganizer(db, { role: "admin", now: NOW });
    vi.mocked(openReadOnlyDatabase).mockClear();
  });

  /** Germany: three named, two not; plus people who must never appear in Germany's document. */
  function insertGermanCampaign() {
    insertSignatureRows(db, [
      { name: "Ёлка Кириллица", email: "yolka@example.org", country: "DE", isPublicName: true, verifiedAt: Date.parse("2026-03-02T08:00:00Z") },
      { name: "Hans Müller", email: "hans@example.org", country: "DE", isPublicName: true, verifiedAt: Date.parse("2026-04-10T10:00:00Z") },
      { name: "Greta Geheim", email: "greta@example.org", country: "DE", isPublicName: false, verifiedAt: Date.parse("2026-05-01T10:00:00Z") },
      { name: "Paul Privat", email: "paul@example.org", country: "DE", isPublicName: false, verifiedAt: Date.parse("2026-06-15T10:00:00Z") },
      { name: "Zoë O’Brien-Weiß", email: "zoe@example.org", country: "DE", isPublicName: true, verifiedAt: Date.parse("2026-07-20T18:00:00Z") },
      { name: "Olena Ukrainka", email: "olena@example.org", country: "UA", isPublicName: true, verifiedAt: Date.parse("2026-02-01T10:00:00Z") },
      { name: "Pending Paula", email: "paula@example.org", country: "DE", isPublicName: true, status: "pending" },
      { name: "Invalid Ivan", email: "ivan@example.org", country: "DE", isPublicName: true, status: "invalidated", verifiedAt: Date.parse("2026-03-05T10:00:00Z") },
      { name: "Withdrawn Wanda", email: "wanda@example.org", country: "DE", isPublicName: true, status: "withdrawn", verifiedAt: Date.parse("2026-08-01T10:00:00Z") },
    ], { now: T0 });
  }

  it("puts the campaign, the five demands, the numbers and Germany's public names in Germany's document, and nothing private", async () => {
    insertGermanCampaign();

    const { stream, filename } = createDeliveryDocument({ actor: admin, country: "de", locale: "en", db, now: NOW });
    const bytes = await readBytes(stream);
    const text = await pdfText(bytes);

    expect(filename).toBe("delivery-DE-2026-11-21.pdf");
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe("%PDF-");
    const campaign = getCampaign("en");
    expect(text).toContain(campaign.title);
    expect(text).toContain("Delivered November 21, 2026");
    expect(campaign.demands).toHaveLength(5);
    for (const demand of campaign.demands) expect(text).toContain(demand.title);
    expect(text).toContain("We, Russian political prisoners, appeal to all international leaders");
    expect(text).toContain("Published English translation of the letter");
    expect(text).toContain("Source: The Insider, https://theins.ru/en/news/282772");
    for (const author of campaign.signatories) expect(text).toContain(author.name);

    // 6 verified in all; 5 in Germany, 3 of them named; confirmed from 2 March to 20 July.
    expect(text).toMatch(/Total verified signatures\s*6\b/);
    expect(text).toMatch(/Signatures from Germany\s*5\b/);
    expect(text).toContain("Signed between March 2, 2026 and July 20, 2026");
    expect(text).toContain("Signers who agreed to show their name");
    expect(text).toMatch(/1 Ёлка Кириллица Germany 2026-03-02/);
    expect(text).toMatch(/2 Hans Müller Germany 2026-04-10/);
    expect(text).toMatch(/3 Zoë O’Brien-Weiß Germany 2026-07-20/);
    expect(text).toContain("2 further signers are counted but not named, at their request.");

    for (const absent of ["Greta Geheim", "Paul Privat", "Olena Ukrainka", "Pending Paula", "Invalid Ivan", "Withdrawn Wanda", "Secret City", "@"]) {
      expect(text).not.toContain(absent);
    }
  });

  it("writes its headings in Russian, with the letter labelled as the English translation it is", async () => {
    insertGermanCampaign();

    const text = await pdfText(await readBytes(createDeliveryDocument({ actor: admin, locale: "ru", db, now: NOW }).stream));

    const campaign = getCampaign("ru");
    expect(text).toContain(campaign.title);
    for (const demand of campaign.demands) expect(text).toContain(demand.title);
    expect(text).toContain("Дата передачи: 21 ноября 2026 г.");
    expect(text).toMatch(/Всего подтверждённых подписей\s*6\b/);
    expect(text).toContain("Опубликованный английский перевод письма");
    expect(text).toContain("На этом языке письмо здесь пока не опубликовано");
    expect(text).toContain("We, Russian political prisoners, appeal");
    expect(text).toContain("Алексей Горинов");
    expect(text).toContain("Подписавшие, согласившиеся указать своё имя");
    // Every country: Olena is in this one, named in Russian with her country.
    expect(text).toMatch(/1 Olena Ukrainka Украина 2026-02-01/);
    expect(text).toContain("Ёлка Кириллица");
    expect(text).toContain("Ещё 2 подписавших учтены, но по их просьбе не названы.");
    expect(text).not.toContain("Greta Geheim");
  });

  it("says so when nobody has signed yet, without a list or a count of unnamed signers", async () => {
    const text = await pdfText(await readBytes(createDeliveryDocument({ actor: admin, country: "FR", locale: "uk", db, now: NOW }).stream));

    expect(text).toContain("Підписи з країни: Франція");
    expect(text).toContain("Підтверджених підписів поки немає.");
    expect(text).toContain("Жоден із підписантів не погодився показати своє ім’я.");
    expect(text).not.toContain("Ще ");
  });

  it("prints a name too long for its column in full, over several lines", async () => {
    const long = "Jean-Baptiste Émile de la Fontaine-Montmorency Saint-Exupéry Lefebvre-Dupont du Marais de Chantilly";
    insertSignatureRows(db, [{ name: long, isPublicName: true }, { name: "Short Name", isPublicName: true }], { now: T0 });

    const text = await pdfText(await readBytes(createDeliveryDocument({ actor: admin, country: "DE", locale: "en", db, now: NOW }).stream));

    // The wrapper breaks after a hyphen; the extracted lines join with a space.
    expect(text.replace(/- /g, "-")).toContain(long);
    expect(text).toMatch(/2 Short Name Germany/);
  });

  it("refuses a viewer before opening anything or writing an audit row", () => {
    const viewer = createOrganizer(db, { role: "viewer", now: NOW });
    const attempt = () => createDeliveryDocument({ actor: viewer, locale: "en", db, now: NOW });

    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(openReadOnlyDatabase).not.toHaveBeenCalled();
    expect(readAuditRows(db, "export.deliveryPdf")).toEqual([]);
  });

  it("refuses a country code that is not one", () => {
    expect(() => createDeliveryDocument({ actor: admin, country: "D1", locale: "en", db, now: NOW })).toThrow(
      expect.objectContaining({ code: "INVALID", details: { country: "countryInvalid" } }),
    );
    expect(openReadOnlyDatabase).not.toHaveBeenCalled();
  });

  it("audits the SHA-256 of exactly the bytes sent, the names printed and the choice, and closes its connection", async () => {
    insertGermanCampaign();
    const owner = createOrganizer(db, { role: "owner", now: NOW });

    const { stream, filename } = createDeliveryDocument({ actor: owner, country: "DE", locale: "uk", db, now: NOW });
    const reader = lastReadConnection();
    expect(reader.$client.readonly).toBe(true);
    expect(readAuditRows(db, "export.deliveryPdf")).toEqual([]);
    const bytes = await readBytes(stream);

    expect(reader.$client.open).toBe(false);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const audits = readAuditRows(db, "export.deliveryPdf");
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorEmail: "owner@organizers.example",
      targetType: "file",
      targetId: `${sha256}  ${filename}`,
      rowCount: 3,
      createdAt: NOW,
    });
    expect(JSON.parse(audits[0]!.details!)).toEqual({ country: "DE", locale: "uk", bytes: bytes.byteLength });
  });

  it("lets the command line export every country, audited as the system", async () => {
    insertGermanCampaign();
    const { stream, filename } = createDeliveryDocument({ actor: SYSTEM, locale: "en", db, now: NOW });
    await readBytes(stream);
    expect(filename).toBe("delivery-all-2026-11-21.pdf");
    expect(readAuditRows(db, "export.deliveryPdf")[0]).toMatchObject({ actorEmail: "system (command line)", rowCount: 4 });
    expect(JSON.parse(readAuditRows(db, "export.deliveryPdf")[0]!.details!)).toMatchObject({ country: null, locale: "en" });
  });

  it("closes its connection and audits an aborted export, without a digest, when the client goes away", async () => {
    insertSignatureRows(db, Array.from({ length: 3000 }, () => ({ isPublicName: true })), { now: T0 });

    const { stream } = createDeliveryDocument({ actor: admin, locale: "en", db, now: NOW });
    const connection = lastReadConnection();
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(connection.$client.open).toBe(true);

    await reader.cancel();

    expect(connection.$client.open).toBe(false);
    const audits = readAuditRows(db, "export.deliveryPdf");
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ targetType: null, targetId: null });
    expect(JSON.parse(audits[0]!.details!)).toEqual({ country: null, locale: "en", aborted: true });
    expect(audits[0]!.rowCount).toBeLessThan(3000);
  });

  it("reads an in-memory database (tests) on its only connection", async () => {
    const memory = createTestDatabase();
    try {
      insertSignatureRows(memory.db, [{ name: "Only One", isPublicName: true }], { now: T0 });
      const text = await pdfText(await readBytes(createDeliveryDocument({ actor: SYSTEM, locale: "en", db: memory.db, now: NOW }).stream));
      expect(text).toMatch(/1 Only One Germany/);
      expect(openReadOnlyDatabase).not.toHaveBeenCalled();
    } finally {
      memory.close();
    }
  });

  it("reads the named signers in order from the public-list index, without sorting", () => {
    for (const country of [undefined, "DE"]) {
      const { sql, params } = buildNamedSignersQuery(country);
      const plan = db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      expect(plan.map((step) => step.detail)).toEqual([expect.stringContaining("USING INDEX signatures_public_list_idx")]);
    }
  });

  it("streams 20,000 names with flat memory", async ({ annotate }) => {
    const NAMES = 20_000;
    insertSignatureRows(
      db,
      (function* () {
        for (let i = 0; i < NAMES; i += 1) {
          yield { name: i % 2 ? `Unterzeichner Nummer ${i}` : `Підписантка Номер ${i}`, isPublicName: true, verifiedAt: T0 + i * 10_000 };
          if (i % 4 === 0) yield { isPublicName: false, verifiedAt: T0 + i * 10_000 + 1 };
        }
      })(),
      { now: T0 },
    );
    const hash = createHash("sha256");
    const { bytes, firstByteMs, totalMs, cpuMs, heapGrowthMb: growthMb, buffersGrowthMb } = await measureStream(
      () => createDeliveryDocument({ actor: admin, country: "DE", locale: "en", db, now: NOW }).stream,
      (chunk) => hash.update(chunk),
    );
    await annotate(
      `${NAMES} names, ${(bytes / 1024 / 1024).toFixed(1)} MB of PDF in ${totalMs.toFixed(0)} ms (${cpuMs.toFixed(0)} ms of CPU); first byte after ${firstByteMs?.toFixed(1)} ms; ` +
        `growth at most ${growthMb.toFixed(1)} MB of heap, ${buffersGrowthMb.toFixed(1)} MB of buffers`,
    );

    const audit = readAuditRows(db, "export.deliveryPdf")[0];
    expect(audit?.rowCount).toBe(NAMES);
    expect(audit?.targetId).toBe(`${hash.digest("hex")}  delivery-DE-2026-11-21.pdf`);
    expect(growthMb).toBeLessThan(80);
    expect(buffersGrowthMb).toBeLessThan(10);
    // A sanity bound, not a benchmark (CPU time: a busy machine stretches the
    // wall clock): reading the font file on every font switch once made this 80 s.
    expect(cpuMs).toBeLessThan(30_000);
  }, 60_000);
});
