import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppDatabase } from "@/db/client";
import { auditLog } from "@/db/schema";
import { requireOrganizer, type Organizer } from "@/server/auth/require-organizer";
import { AppError } from "@/server/errors";
import { setUpTestDatabase } from "@/test/database";
import { createOrganizer, seedCounters } from "@/test/factories";
import { GET } from "./route";

// The session lives in next-auth's cookie, which needs Next's request
// context; the guard is replaced, the domain function and database are real.
vi.mock("@/server/auth/require-organizer", () => ({ requireOrganizer: vi.fn() }));

function get(file: string, query = "") {
  return GET(new Request(`http://app.test/admin/exports/press/${file}${query}`), { params: Promise.resolve({ file }) });
}

describe("GET /admin/exports/press/[file]", () => {
  let db: AppDatabase;
  let viewer: Organizer;

  setUpTestDatabase((opened) => ({ db } = opened));
  beforeEach(() => {
    seedCounters(db, [
      { scope: "total", key: "", count: 3 },
      { scope: "country", key: "UA", count: 3 },
      { scope: "day", key: "2026-03-01", count: 3 },
    ]);
    viewer = createOrganizer(db, { role: "viewer", email: "viewer@example.org", now: Date.now() });
    vi.mocked(requireOrganizer).mockResolvedValue(viewer);
  });

  const auditCount = () => db.select().from(auditLog).where(eq(auditLog.action, "export.pressKit")).all().length;

  it("sends a PNG to a viewer as an attachment nobody may cache", async () => {
    const response = await get("countries.png", "?locale=uk");
    expect(response.status).toBe(200);
    expect(requireOrganizer).toHaveBeenCalledWith("readTotals");
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="[a-z0-9-]+-countries-uk-\d{4}-\d{2}-\d{2}\.png"$/);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(auditCount()).toBe(1);
  });

  it("sends stats.json in English by default", async () => {
    const response = await get("stats.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await response.json()).toMatchObject({ total: 3, countries: [{ code: "UA", name: "Ukraine", count: 3 }] });
  });

  it("answers 404 for a file that is not in the kit and 400 for a locale we do not publish, without an audit row", async () => {
    const unknown = await get("signatures.csv");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "notFound" });
    const badLocale = await get("stats.json", "?locale=de");
    expect(badLocale.status).toBe(400);
    expect(await badLocale.json()).toEqual({ errors: { locale: "localeInvalid" } });
    expect(auditCount()).toBe(0);
  });

  it("answers 401 to a signed-out caller before looking at the file name", async () => {
    vi.mocked(requireOrganizer).mockRejectedValue(new AppError("UNAUTHENTICATED", "signInRequired"));
    const response = await get("no-such-file");
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "signInRequired" });
    expect(auditCount()).toBe(0);
  });
});
