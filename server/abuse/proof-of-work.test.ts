import { describe, expect, it, vi } from "vitest";
import type { AppDatabase } from "@/db/client";
import { resetConfigForTesting } from "@/server/config";
import { solveProofOfWork } from "@/components/sign/proof-of-work";
import { setUpFreshConfig } from "@/test/config";
import { setUpTestDatabase } from "@/test/database";
import { solvedProofOfWork as solvedPayload } from "@/test/proof-of-work";
import { createProofOfWorkChallenge, PROOF_OF_WORK_MAX_NUMBER, verifyProofOfWork } from "./proof-of-work";

describe("proof of work (decision 0011)", () => {
  let db: AppDatabase;
  setUpFreshConfig();
  setUpTestDatabase((opened) => ({ db } = opened));

  it("issues SHA-256 challenges calibrated to the phone budget, expiring in 10 minutes", async () => {
    const now = Date.now();
    const challenge = await createProofOfWorkChallenge({ now });
    expect(challenge.algorithm).toBe("SHA-256");
    expect(challenge.maxnumber).toBe(PROOF_OF_WORK_MAX_NUMBER);
    const expires = Number(new URLSearchParams(challenge.salt.split("?")[1]).get("expires"));
    expect(expires).toBe(Math.floor((now + 10 * 60 * 1000) / 1000));
  });

  it("accepts a solved challenge once and refuses its replay", async () => {
    const payload = await solvedPayload();
    expect(await verifyProofOfWork(payload, { db })).toBe(true);
    expect(await verifyProofOfWork(payload, { db })).toBe(false);
    // Another challenge is independent.
    expect(await verifyProofOfWork(await solvedPayload(), { db })).toBe(true);
  });

  it("refuses an expired challenge", async () => {
    const payload = await solvedPayload({ now: Date.now() - 11 * 60 * 1000 });
    expect(await verifyProofOfWork(payload, { db })).toBe(false);
  });

  it("refuses a wrong signature, a wrong number, another key's challenge and garbage", async () => {
    const decoded = JSON.parse(atob(await solvedPayload())) as Record<string, unknown>;
    const reencode = (changes: Record<string, unknown>) => btoa(JSON.stringify({ ...decoded, ...changes }));
    expect(await verifyProofOfWork(reencode({ signature: "0".repeat(64) }), { db })).toBe(false);
    expect(await verifyProofOfWork(reencode({ number: (decoded.number as number) + 1 }), { db })).toBe(false);
    expect(await verifyProofOfWork(reencode({ algorithm: "SHA-1" }), { db })).toBe(false);

    vi.stubEnv("AUTH_SECRET", "another-secret-another-secret-another-1");
    resetConfigForTesting();
    const foreign = await solvedPayload();
    vi.unstubAllEnvs();
    resetConfigForTesting();
    expect(await verifyProofOfWork(foreign, { db })).toBe(false);

    for (const garbage of [undefined, "", "not base64!", btoa("null"), btoa("[]"), btoa('{"number":"1"}'), "x".repeat(5_000)]) {
      expect(await verifyProofOfWork(garbage, { db })).toBe(false);
    }
    // The untouched payload still works: failed attempts do not burn it.
    expect(await verifyProofOfWork(reencode({}), { db })).toBe(true);
  });

  it("with BOT_CHECK=off, accepts anything", async () => {
    vi.stubEnv("BOT_CHECK", "off");
    resetConfigForTesting();
    expect(await verifyProofOfWork(undefined, { db })).toBe(true);
    expect(await verifyProofOfWork("garbage", { db })).toBe(true);
  });

  it("the browser's solver finds a payload for a full-size challenge that the server accepts", async () => {
    const challenge = await createProofOfWorkChallenge();
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify(challenge)));
    try {
      const payload = await solveProofOfWork();
      expect(payload).not.toBeNull();
      expect(await verifyProofOfWork(payload ?? "", { db })).toBe(true);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
