import { eq } from "drizzle-orm";
import { PDFParse } from "pdf-parse";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppDatabase } from "@/db/client";
import { auditLog } from "@/db/schema";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { AppError } from "@/server/errors";
import { setUpTestDatabase } from "@/test/database";
import { createOrganizer, insertSignatureRows } from "@/test/factories";
import { GET } from "./route";

// The session lives in next-auth's cookie, which needs Next's request
// context; the guard is replaced, the domain function and database are real.
vi.mock("@/server/auth/require-organizer", () => ({ requireOrganizer: vi.fn() }));

const get = (query = "") => GET(new Request(`http://app.test/admin/exports/delivery.pdf${query}`));

describe("GET /admin/exports/delivery.pdf", () => {
  let db: AppDatabase;

  setUpTestDatabase((opened) => ({ db } = opened), { file: true });
  beforeEach(() => {
    const now = Date.now();
    insertSignatureRows(db, [{ name: "Ёлка Кириллица", email: "y@example.org", country: "UA", isPublicName: true }], { now });
    vi.mocked(requireOrganizer).mockResolvedValue(createOrganizer(db, { role: "admin", email: "admin@example.org", now }));
  });

  const audits = () => db.select().from(auditLog).where(eq(auditLog.action, "export.deliveryPdf")).all();

  it("streams one country's document to an admin as a PDF download nobody may cache", async () => {
    const response = await get("?country=ua&locale=uk");

    expect(response.status).toBe(200);
    expect(requireOrganizer).toHaveBeenCalledWith("exportPersonalData");
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="delivery-UA-\d{4}-\d{2}-\d{2}\.pdf"$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const parser = new PDFParse({ data: new Uint8Array(await response.arrayBuffer()) });
    const { text } = await parser.getText();
    await parser.destroy();
    expect(text).toContain("Ёлка Кириллица");
    expect(text).toContain("Підписи з країни: Україна");
    expect(audits()).toHaveLength(1);
  });

  it("answers 400 with a code per field for a bad query, without an audit row", async () => {
    const response = await get("?country=XX&locale=de");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: { country: "countryInvalid", locale: "localeInvalid" } });
    expect(audits()).toEqual([]);
  });

  it.each([
    ["UNAUTHENTICATED", "signInRequired", 401],
    ["FORBIDDEN", "forbidden", 403],
  ] as const)("answers %s before looking at the query", async (code, messageKey, status) => {
    vi.mocked(requireOrganizer).mockRejectedValue(new AppError(code, messageKey));
    const response = await get("?country=nonsense");
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: messageKey });
    expect(audits()).toEqual([]);
  });
});
