import { eq } from "drizzle-orm";
import { authenticator } from "otplib";
import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { users } from "@/db/schema";
import { SYSTEM } from "@/server/auth/actor";
import { createOrganizer, updateOrganizer } from "@/server/users/manage-users";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { authenticateOrganizer } from "./authenticate-organizer";
import { beginTotpSetup, confirmTotpSetup, disableTotp, resetTotp } from "./second-factor";
import { isSessionCurrent, SESSION_LIFETIME_MS, type SessionClaims } from "./session-version";

const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);
const PASSWORD = "a long enough password";
const HOUR = 60 * 60 * 1000;

let db: AppDatabase;

setUpTestDatabase((opened) => ({ db } = opened));

/** Signs in as the login form does and returns the claims next-auth's jwt callback puts in the cookie. */
async function signIn(email: string, options: { totp?: string; now?: number } = {}): Promise<SessionClaims> {
  const now = options.now ?? T0;
  const organizer = await authenticateOrganizer({ email, password: PASSWORD, totp: options.totp, clientKey: "client", db, now });
  if (!organizer) throw new Error("sign-in refused");
  return { sub: String(organizer.id), sessionVersion: organizer.sessionVersion, signedInAt: now };
}

const holds = (token: SessionClaims, now = T0 + HOUR) => isSessionCurrent({ token, db, now });

describe("a session holds until its account changes or 12 hours have passed (decision 0018)", () => {
  forbidRealClock();

  it("ends every session of an account at a new password, a new role or when it is disabled, and only then", async () => {
    const owner = await createOrganizer({ actor: SYSTEM, input: { email: "owner@example.test", password: PASSWORD, role: "owner" }, db, now: T0 });
    await createOrganizer({ actor: SYSTEM, input: { email: "anna@example.test", password: PASSWORD, role: "admin" }, db, now: T0 });
    const ownerActor = { kind: "organizer" as const, id: owner.id, email: owner.email, role: owner.role };

    const first = await signIn("anna@example.test");
    const stolen = { ...first };
    expect(holds(first)).toBe(true);
    // Saving the role it already has changes nothing.
    await updateOrganizer({ actor: ownerActor, email: "anna@example.test", changes: { role: "admin" }, db, now: T0 });
    expect(holds(stolen)).toBe(true);

    await updateOrganizer({ actor: SYSTEM, email: "anna@example.test", changes: { password: "a brand new long password" }, db, now: T0 });
    expect(holds(stolen)).toBe(false);

    const afterPassword = { sub: stolen.sub, sessionVersion: 1, signedInAt: T0 };
    expect(holds(afterPassword)).toBe(true);
    await updateOrganizer({ actor: ownerActor, email: "anna@example.test", changes: { role: "viewer" }, db, now: T0 });
    expect(holds(afterPassword)).toBe(false);

    const afterRole = { ...afterPassword, sessionVersion: 2 };
    expect(holds(afterRole)).toBe(true);
    await updateOrganizer({ actor: ownerActor, email: "anna@example.test", changes: { isDisabled: true }, db, now: T0 });
    expect(holds(afterRole)).toBe(false);
    // Enabling the account again does not bring any old session back.
    await updateOrganizer({ actor: ownerActor, email: "anna@example.test", changes: { isDisabled: false }, db, now: T0 });
    expect(holds(afterRole)).toBe(false);
    expect(holds(stolen)).toBe(false);
    expect(db.select({ version: users.sessionVersion }).from(users).where(eq(users.email, "anna@example.test")).get()).toEqual({ version: 3 });
  });

  it("ends them when a second factor is turned on (the caller's too) or reset, not when it is turned off", async () => {
    const created = await createOrganizer({ actor: SYSTEM, input: { email: "anna@example.test", password: PASSWORD, role: "admin" }, db, now: T0 });
    const anna = { kind: "organizer" as const, id: created.id, email: created.email, role: created.role };
    const before = await signIn("anna@example.test");
    const { secret } = beginTotpSetup({ actor: anna, db });
    const code = (at: number) => authenticator.clone({ epoch: at }).generate(secret);

    confirmTotpSetup({ actor: anna, secret, code: code(T0), db, now: T0 });
    expect(holds(before)).toBe(false);

    const later = T0 + 60_000;
    const withCode = await signIn("anna@example.test", { totp: code(later), now: later });
    expect(withCode.sessionVersion).toBe(1);
    disableTotp({ actor: anna, code: code(later + 30_000), db, now: later + 30_000 });
    expect(holds(withCode)).toBe(true);

    confirmTotpSetup({ actor: anna, secret, code: code(later + 60_000), db, now: later + 60_000 });
    const lastOne = await signIn("anna@example.test", { totp: code(later + 90_000), now: later + 90_000 });
    expect(holds(lastOne)).toBe(true);
    resetTotp({ actor: SYSTEM, email: "anna@example.test", db, now: later + 90_000 });
    expect(holds(lastOne)).toBe(false);
  });

  it("ends 12 hours after the sign-in, however busy it was, and holds nothing older or from the future", async () => {
    await createOrganizer({ actor: SYSTEM, input: { email: "anna@example.test", password: PASSWORD, role: "admin" }, db, now: T0 });
    const session = await signIn("anna@example.test");
    expect(holds(session, T0)).toBe(true);
    expect(holds(session, T0 + SESSION_LIFETIME_MS - 1)).toBe(true);
    expect(holds(session, T0 + SESSION_LIFETIME_MS)).toBe(false);
    expect(holds(session, T0 - 1)).toBe(false);
  });

  it("refuses tokens without the claims (issued before sessions had versions) and tokens for no account", async () => {
    await createOrganizer({ actor: SYSTEM, input: { email: "anna@example.test", password: PASSWORD, role: "admin" }, db, now: T0 });
    const session = await signIn("anna@example.test");
    expect(holds({ sub: session.sub })).toBe(false);
    expect(holds({ sub: session.sub, sessionVersion: 0 })).toBe(false);
    expect(holds({ sub: session.sub, signedInAt: T0 })).toBe(false);
    expect(holds({ ...session, sessionVersion: "0" })).toBe(false);
    expect(holds({ ...session, sub: "999" })).toBe(false);
    expect(holds({ ...session, sub: "1; drop table users" })).toBe(false);
    expect(holds({ ...session, sub: undefined })).toBe(false);
  });
});
