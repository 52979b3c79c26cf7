import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppDatabase } from "@/db/client";
import { auditLog } from "@/db/schema";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { AppError } from "@/server/errors";
import { setUpTestDatabase } from "@/test/database";
import { createOrganizer } from "@/test/factories";
import { GET } from "./route";

vi.mock("@/server/auth/require-organizer", () => ({ requireOrganizer: vi.fn() }));

const get = (query = "") => GET(new Request(`http://app.test/admin/exports/manifest.sha256${query}`));
const SHA = "a".repeat(64);
const DAY = 86_400_000;
/** The route reads the real clock, so this test does too: its exports are dated from today. */
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);

describe("GET /admin/exports/manifest.sha256", () => {
  let db: AppDatabase;

  setUpTestDatabase((opened) => ({ db } = opened));
  beforeEach(() => {
    vi.mocked(requireOrganizer).mockResolvedValue(createOrganizer(db, { role: "owner", email: "owner@example.org", now: Date.now() }));
    const row = { actorUserId: null, actorEmail: "system (command line)", targetType: "file", details: "{}", rowCount: 1 };
    db.insert(auditLog)
      .values([
        { ...row, action: "export.deliveryPdf", targetId: `${SHA}  delivery-DE-${day(20)}.pdf`, createdAt: Date.now() - 20 * DAY },
        { ...row, action: "export.signaturesCsv", targetId: `${"b".repeat(64)}  signatures-verified-${day(1)}.csv`, createdAt: Date.now() - DAY },
      ])
      .run();
  });

  it("answers the files exported since the day as sha256sum lines, to an admin or owner", async () => {
    const response = await get(`?since=${day(6)}`);
    expect(response.status).toBe(200);
    expect(requireOrganizer).toHaveBeenCalledWith("exportPersonalData");
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.text()).toBe(`${"b".repeat(64)}  signatures-verified-${day(1)}.csv\n`);
  });

  it("lists every recorded export without a date", async () => {
    expect((await (await get()).text()).split("\n")).toHaveLength(3);
  });

  it("answers 400 for a date it cannot read", async () => {
    const response = await get("?since=last-week");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: { since: "sinceInvalid" } });
  });

  it("answers 403 to a viewer", async () => {
    vi.mocked(requireOrganizer).mockRejectedValue(new AppError("FORBIDDEN", "forbidden"));
    const response = await get();
    expect(response.status).toBe(403);
  });
});
