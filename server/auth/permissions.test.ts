import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { USER_ROLES } from "@/lib/organizer-roles";
import { SYSTEM } from "./actor";
import { assertCan, can, CAPABILITIES, CAPABILITY_NAMES, roleCan, type Capability } from "./permissions";

// The whole table, written out: a change to who may do what changes this
// test too, on purpose (decision 0023). O = owner, A = admin, V = viewer.
const EXPECTED: Record<Capability, string> = {
  readTotals: "O A V",
  readUpdates: "O A V",
  manageOwnAccount: "O A V",
  seePersonalData: "O A -",
  moderate: "O A -",
  exportPersonalData: "O A -",
  managePartnerCodes: "O A -",
  writeUpdates: "O A -",
  publishUpdates: "O A -",
  sendMailings: "O A -",
  approveMailings: "O A -",
  manageOrganizers: "O - -",
  readAuditLog: "O - -",
  manageSettings: "O - -",
  maintain: "O - -",
  eraseSignatures: "O - -",
};

const ROOT = path.resolve(__dirname, "../..");

/** Every source file of the app (tests and generated code left out). */
function listSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (["node_modules", ".next", "dist", ".git", "e2e", "bench", "test"].includes(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listSources(full);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

describe("who may do what (server/auth/permissions.ts)", () => {
  it.each(CAPABILITY_NAMES)("%s is held by the roles the table says", (capability) => {
    const marks = USER_ROLES.map((role) => (roleCan(role, capability) ? role[0]!.toUpperCase() : "-")).join(" ");
    expect(marks).toBe(EXPECTED[capability]);
  });

  it("has no capability the table above leaves out", () => {
    expect([...CAPABILITY_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("never lets a viewer see personal data (decision 0007)", () => {
    const seen = CAPABILITY_NAMES.filter((capability) => CAPABILITIES[capability].showsPersonalData && roleCan("viewer", capability));
    expect(seen).toEqual([]);
  });

  it("gives owners everything", () => {
    expect(CAPABILITY_NAMES.filter((capability) => !roleCan("owner", capability))).toEqual([]);
  });

  it("lets the command line do everything and refuses an organizer with FORBIDDEN", () => {
    const viewer = { kind: "organizer", id: 1, email: "v@example.org", role: "viewer" } as const;
    for (const capability of CAPABILITY_NAMES) expect(can(SYSTEM, capability)).toBe(true);
    expect(() => assertCan(viewer, "exportPersonalData")).toThrow(expect.objectContaining({ code: "FORBIDDEN", messageKey: "forbidden" }));
    expect(() => assertCan(viewer, "readTotals")).not.toThrow();
  });

  it("is the only place that compares roles: pages, actions, routes and domain functions ask for a capability", () => {
    const ROLE_CHECK = /ROLE_RANK|assertRole\(|role\s*[!=]==?\s*["'](owner|admin|viewer)["']|["'](owner|admin|viewer)["']\s*[!=]==?\s*[\w.]*role\b/;
    const offenders = listSources(ROOT)
      .filter((file) => ROLE_CHECK.test(fs.readFileSync(file, "utf8")))
      .map((file) => path.relative(ROOT, file));
    expect(offenders).toEqual([]);
  });
});
