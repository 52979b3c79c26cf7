import { beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { SYSTEM } from "@/server/auth/actor";
import { AppError } from "@/server/errors";
import { createOrganizer } from "@/server/users/manage-users";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { readAuditRows } from "@/test/factories";
import { authenticateOrganizer } from "./authenticate-organizer";

const PASSWORD = "a long enough password";
const EMAIL = "anna@example.test";
const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);
const WINDOW_MS = 15 * 60 * 1000;

let db: AppDatabase;

setUpTestDatabase((opened) => ({ db } = opened));
beforeEach(async () => {
  await createOrganizer({ actor: SYSTEM, input: { email: EMAIL, password: PASSWORD, role: "admin" }, db, now: T0 });
});

function signIn(options: { email?: string; password?: string; clientKey?: string; now?: number } = {}) {
  return authenticateOrganizer({
    email: options.email ?? EMAIL,
    password: options.password ?? PASSWORD,
    clientKey: options.clientKey ?? "client-1",
    db,
    now: options.now ?? T0,
  });
}

/** What a sign-in came to: the organizer's email, "refused" (wrong password) or the AppError's code. */
async function outcome(attempt: Promise<unknown>): Promise<string> {
  try {
    const result = (await attempt) as { email?: string } | null;
    return result?.email ?? "refused";
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe("the per-account sign-in limit (decision 0018)", () => {
  forbidRealClock();

  it("lets no more than 5 guesses sent at once reach the password check", async () => {
    const guesses = Array.from({ length: 12 }, (_, index) => outcome(signIn({ password: `wrong guess number ${index}`, clientKey: `client-${index}` })));
    const outcomes = await Promise.all(guesses);
    expect(outcomes.filter((result) => result === "refused")).toHaveLength(5);
    expect(outcomes.filter((result) => result === "RATE_LIMITED")).toHaveLength(7);
    expect(readAuditRows(db, "login.failure")).toHaveLength(5);
    // The right password is refused too, without being looked at, until the window ends.
    expect(await outcome(signIn({ clientKey: "client-x" }))).toBe("RATE_LIMITED");
    expect(await outcome(signIn({ clientKey: "client-x", now: T0 + WINDOW_MS }))).toBe(EMAIL);
  });

  it("writes one row per account and window for the refused attempts, with their count", async () => {
    for (let index = 0; index < 5; index++) expect(await outcome(signIn({ password: "a wrong password", clientKey: `client-${index}` }))).toBe("refused");
    for (let index = 0; index < 40; index++) {
      expect(await outcome(signIn({ password: "a wrong password", clientKey: `flood-${index}`, now: T0 + index * 1000 }))).toBe("RATE_LIMITED");
    }
    expect(readAuditRows(db, "login.blocked")).toEqual([
      expect.objectContaining({ actorEmail: EMAIL, targetType: "loginAccount", targetId: EMAIL, rowCount: 40, createdAt: T0 }),
    ]);
    expect(JSON.parse(readAuditRows(db, "login.blocked")[0]?.details ?? "{}")).toEqual({ limit: "account", retryAfterSeconds: 900 });

    // The next window counts afresh, and its first refusal starts a new row.
    const later = T0 + WINDOW_MS;
    for (let index = 0; index < 5; index++) await signIn({ password: "a wrong password", clientKey: `late-${index}`, now: later });
    expect(await outcome(signIn({ clientKey: "late-x", now: later + 1 }))).toBe("RATE_LIMITED");
    expect(readAuditRows(db, "login.blocked").map((row) => row.rowCount)).toEqual([40, 1]);
    expect(readAuditRows(db, "login.failure")).toHaveLength(10);
  });

  it("forgets the failures once the right password gets in", async () => {
    for (let index = 0; index < 4; index++) await signIn({ password: "a wrong password" });
    expect(await outcome(signIn())).toBe(EMAIL);
    for (let index = 0; index < 5; index++) expect(await outcome(signIn({ password: "a wrong password" }))).toBe("refused");
    expect(await outcome(signIn())).toBe("RATE_LIMITED");
  });
});

describe("the per-client sign-in limit", () => {
  forbidRealClock();

  it("holds across addresses, with one row per client and window for what it refuses", async () => {
    for (let index = 0; index < 20; index++) expect(await outcome(signIn({ email: `someone-${index}@example.test` }))).toBe("refused");
    for (let index = 0; index < 10; index++) expect(await outcome(signIn({ email: `other-${index}@example.test` }))).toBe("RATE_LIMITED");
    expect(readAuditRows(db, "login.blocked")).toEqual([expect.objectContaining({ actorEmail: null, targetType: "loginClient", targetId: "client-1", rowCount: 10 })]);
    // Another client is not held up, and the account itself was never guessed at.
    expect(await outcome(signIn({ clientKey: "client-2" }))).toBe(EMAIL);
  });

  it("counts guesses, not sign-ins: organizers behind one address do not use up each other's attempts", async () => {
    for (let index = 0; index < 30; index++) expect(await outcome(signIn())).toBe(EMAIL);
    for (let index = 0; index < 19; index++) expect(await outcome(signIn({ email: `someone-${index}@example.test` }))).toBe("refused");
    expect(await outcome(signIn())).toBe(EMAIL);
    expect(await outcome(signIn({ email: "one-more@example.test" }))).toBe("refused");
    expect(await outcome(signIn({ email: "and-another@example.test" }))).toBe("RATE_LIMITED");
  });
});
