import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import type { Actor } from "@/server/auth/actor";
import { authenticateOrganizer } from "@/server/auth/authenticate-organizer";
import { SYSTEM } from "@/server/auth/actor";
import { createOrganizer } from "@/server/users/manage-users";
import { forbidRealClock } from "@/test/clock";
import { createTestDatabase } from "@/test/database";
import { getDashboard } from "./get-dashboard";

const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);
const PASSWORD = "a long enough password";

let db: AppDatabase;
let close: () => void;

beforeEach(() => {
  ({ db, close } = createTestDatabase());
});
afterEach(() => close());

async function organizer(email: string, role: "owner" | "admin" | "viewer"): Promise<Actor> {
  const created = await createOrganizer({ actor: SYSTEM, input: { email, password: PASSWORD, role }, db, now: T0 });
  return { kind: "organizer", id: created.id, email: created.email, role: created.role };
}

describe("the dashboard's recent activity", () => {
  forbidRealClock();

  it("shows what was typed into refused sign-ins to owners only", async () => {
    const owner = await organizer("owner@example.test", "owner");
    const admin = await organizer("admin@example.test", "admin");
    const viewer = await organizer("viewer@example.test", "viewer");
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
