import { getServerSession } from "next-auth";
import { describe, expect, it, vi } from "vitest";
import type { AppDatabase } from "@/db/client";
import { SYSTEM } from "@/server/auth/actor";
import { createOrganizer, updateOrganizer } from "@/server/users/manage-users";
import { setUpTestDatabase } from "@/test/database";
import { findCurrentOrganizer, requireOrganizer } from "./require-organizer";
import { setRequireTotpForAll } from "./second-factor";

vi.mock("next-auth", () => ({ getServerSession: vi.fn() }));

let db: AppDatabase;

setUpTestDatabase((opened) => ({ db } = opened));

async function signedInAs(email: string, role: "owner" | "admin" | "viewer") {
  const created = await createOrganizer({ actor: SYSTEM, input: { email, password: "a long enough password", role }, db });
  vi.mocked(getServerSession).mockResolvedValue({ user: { id: String(created.id), sessionVersion: 0 }, expires: "" });
  return created;
}

describe("requireOrganizer when a second factor is required of everyone", () => {
  it("lets an organizer without one reach only the account page", async () => {
    const owner = await signedInAs("owner@example.test", "owner");
    expect(await requireOrganizer("manageOrganizers")).toMatchObject({ id: owner.id, hasTotp: false, mustEnrolTotp: false });

    setRequireTotpForAll({ actor: SYSTEM, required: true, db });
    expect(await findCurrentOrganizer()).toMatchObject({ id: owner.id, mustEnrolTotp: true });
    await expect(requireOrganizer("readTotals")).rejects.toMatchObject({ code: "FORBIDDEN", messageKey: "secondFactorRequired" });
    expect(await requireOrganizer("manageOwnAccount", { enrolling: true })).toMatchObject({ id: owner.id, mustEnrolTotp: true });
  });

  it("still refuses nobody-signed-in first", async () => {
    setRequireTotpForAll({ actor: SYSTEM, required: true, db });
    vi.mocked(getServerSession).mockResolvedValue(null);
    await expect(requireOrganizer("manageOwnAccount", { enrolling: true })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("requireOrganizer asks for a capability", () => {
  it("lets a role that holds it through and refuses one that does not", async () => {
    const viewer = await signedInAs("viewer@example.test", "viewer");
    expect(await requireOrganizer("readTotals")).toMatchObject({ id: viewer.id, role: "viewer" });
    await expect(requireOrganizer("seePersonalData")).rejects.toMatchObject({ code: "FORBIDDEN", messageKey: "forbidden" });
    const admin = await signedInAs("admin@example.test", "admin");
    expect(await requireOrganizer("moderate")).toMatchObject({ id: admin.id, role: "admin" });
    await expect(requireOrganizer("readAuditLog")).rejects.toMatchObject({ code: "FORBIDDEN", messageKey: "forbidden" });
  });
});

describe("findCurrentOrganizer", () => {
  it("refuses a session whose version the account has moved on from, even if next-auth let it through", async () => {
    const anna = await signedInAs("anna@example.test", "admin");
    expect(await findCurrentOrganizer()).toMatchObject({ id: anna.id });
    await updateOrganizer({ actor: SYSTEM, email: "anna@example.test", changes: { password: "another long password" }, db });
    expect(await findCurrentOrganizer()).toBeNull();
    await expect(requireOrganizer("readTotals")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    vi.mocked(getServerSession).mockResolvedValue({ user: { id: String(anna.id) }, expires: "" });
    expect(await findCurrentOrganizer()).toBeNull();
  });
});
