import { describe, expect, it } from "vitest";
import {
  canChange,
  counterMoves,
  COUNTED_IN,
  LIFECYCLE_COUNTER_SCOPES,
  INVALIDATABLE_STATUSES,
  restoreTransitionFor,
  SIGNATURE_STATUSES,
  SIGNATURE_TRANSITIONS,
  statusesBefore,
  toDayKey,
  type CountedSignature,
  type SignatureTransition,
} from "./signature-lifecycle";
import { forbidRealClock } from "@/test/clock";

const VERIFIED_AT = Date.parse("2026-11-21T23:59:59Z");

describe("the signature lifecycle (lib/signature-lifecycle.ts)", () => {
  forbidRealClock();

  it.each<[SignatureTransition, string]>([
    ["sign", "none → pending"],
    ["confirm", "pending → verified"],
    ["invalidate", "pending, verified → invalidated"],
    ["restore", "invalidated → verified"],
    ["restoreUnconfirmed", "invalidated → pending"],
    ["withdraw", "pending, verified, invalidated → withdrawn"],
    ["purge", "pending → none"],
  ])("%s moves a signature %s", (transition, expected) => {
    const { from, to } = SIGNATURE_TRANSITIONS[transition];
    expect(`${from.map((status) => status ?? "none").join(", ")} → ${to ?? "none"}`).toBe(expected);
  });

  it("names every transition above and no other", () => {
    expect(Object.keys(SIGNATURE_TRANSITIONS).sort()).toEqual(["confirm", "invalidate", "purge", "restore", "restoreUnconfirmed", "sign", "withdraw"]);
  });

  it("never leaves a withdrawn signature, so a withdrawal cannot be undone", () => {
    for (const transition of Object.keys(SIGNATURE_TRANSITIONS) as SignatureTransition[]) expect(canChange(transition, "withdrawn")).toBe(false);
  });

  it("lets organizers invalidate only what the transitions allow", () => {
    expect([...INVALIDATABLE_STATUSES]).toEqual(["pending", "verified"]);
    expect(statusesBefore("sign")).toEqual([]);
    expect(statusesBefore("withdraw")).toEqual(["pending", "verified", "invalidated"]);
  });

  it("restores a signature to verified only if it had been confirmed", () => {
    expect(restoreTransitionFor({ verifiedAt: VERIFIED_AT })).toBe("restore");
    expect(restoreTransitionFor({ verifiedAt: null })).toBe("restoreUnconfirmed");
  });

  it("counts only verified signatures in the public counters, and every signature by status", () => {
    for (const status of SIGNATURE_STATUSES) {
      expect(COUNTED_IN[status]).toContain("status");
      expect(COUNTED_IN[status].includes("total")).toBe(status === "verified");
    }
    expect([...COUNTED_IN.verified].sort()).toEqual([...LIFECYCLE_COUNTER_SCOPES].sort());
  });

  const anna: CountedSignature = { status: "pending", country: "DE", verifiedAt: null, referredBy: "friend-code", utmSource: "telegram" };
  const annaVerified: CountedSignature = { ...anna, status: "verified", verifiedAt: VERIFIED_AT };

  it.each<[string, CountedSignature | null, CountedSignature | null, string[]]>([
    ["a new signature", null, anna, ["status:pending +1"]],
    [
      "a confirmation",
      anna,
      annaVerified,
      ["status:pending -1", "total: +1", "country:DE +1", "day:2026-11-21 +1", "ref:friend-code +1", "utm:telegram +1", "status:verified +1"],
    ],
    [
      "an invalidation of a verified one",
      annaVerified,
      { ...annaVerified, status: "invalidated" },
      ["total: -1", "country:DE -1", "day:2026-11-21 -1", "ref:friend-code -1", "utm:telegram -1", "status:verified -1", "status:invalidated +1"],
    ],
    ["a withdrawal of an invalidated one", { ...anna, status: "invalidated" }, { ...anna, status: "withdrawn", utmSource: null }, ["status:invalidated -1", "status:withdrawn +1"]],
    ["a purge", anna, null, ["status:pending -1"]],
    ["no change", annaVerified, annaVerified, []],
  ])("%s moves the counters it should", (_name, before, after, expected) => {
    expect(counterMoves(before, after).map((move) => `${move.scope}:${move.key} ${move.delta > 0 ? "+" : ""}${move.delta}`)).toEqual(expected);
  });

  it("leaves out a day, a referral or a source the signature does not have", () => {
    const bare: CountedSignature = { status: "verified", country: "UA", verifiedAt: null, referredBy: null, utmSource: "" };
    expect(counterMoves(null, bare, 3)).toEqual([
      { scope: "total", key: "", delta: 3 },
      { scope: "country", key: "UA", delta: 3 },
      { scope: "status", key: "verified", delta: 3 },
    ]);
  });

  it("names a day by its UTC date", () => {
    expect(toDayKey(VERIFIED_AT)).toBe("2026-11-21");
    expect(toDayKey(VERIFIED_AT + 1000)).toBe("2026-11-22");
  });
});
