import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { authenticateOrganizer } from "@/server/auth/authenticate-organizer";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { createOrganizerAccount, TEST_ORGANIZER_PASSWORD as PASSWORD } from "@/test/factories";
import { getDashboard } from "./get-dashboard";

const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);

let db: AppDatabase;

setUpTestDatabase((opened) => ({ db } = opened));

describe("the dashboard's recent activity", () => {
  forbidRealClock();

  it("shows what was typed into refused sign-ins to owners only", async () => {
    const owner = await createOrganizerAccount(db, { email: "owner@example.test", role: "owner", now: T0 });
    const admin = await createOrganizerAccount(db, { email: "admin@example.test", role: "admin", now: T0 });
    const viewer = await createOrganizerAccount(db, { email: "viewer@example.test", role: "viewer", now: T0 });
    const attempt = (email: string, password: string) => authenticateOrganizer({ email, password, clientKey: "client", db, now: T0 });
    // Someone types a private address, then a password into the email field.
    await attempt("a.private.person@example.org", "a guess");
    await attempt("my secret password", "x");
    for (let index = 0; index < 6; index++) await attempt("admin@example.test", "wrong").catch(() => null);
    await attempt("admin@example.test", PASSWORD).catch(() => null);

    const asOwner = getDashboard({ actor: owner, db, now: T0 }).recentActivity ?? [];
    expect(asOwner.map((row) => row.actorEmail)).toEqual(
      expect.arrayContaining(["a.private.person@example.org", "my secret password", "admin@example.test"]),
    );
    expect(asOwner.some((row) => row.actorHidden)).toBe(false);

    const asAdmin = getDashboard({ actor: admin, db, now: T0 }).recentActivity ?? [];
    const serialized = JSON.stringify(asAdmin);
    expect(serialized).not.toContain("a.private.person@example.org");
    expect(serialized).not.toContain("my secret password");
    const refused = asAdmin.filter((row) => row.action === "login.failure" || row.action === "login.blocked");
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((row) => row.actorEmail === null && row.actorHidden === true)).toBe(true);
    // The rest of the log (account changes) still reads as before for admins.
    expect(asAdmin.filter((row) => row.action === "organizer.create").map((row) => row.actorEmail)).toEqual([
      "system (command line)",
      "system (command line)",
      "system (command line)",
    ]);

    expect(getDashboard({ actor: viewer, db, now: T0 }).recentActivity).toBeNull();
  });
});
