import "server-only";
import { createHmac } from "node:crypto";
import { createChallenge, verifySolution } from "altcha-lib";
import type { Challenge, Payload } from "altcha-lib/types";
import type { AppDatabase, Transaction } from "@/db/client";
import { getDb } from "@/db/client";
import { getConfig } from "@/server/config";
import { consumeRatePoint } from "./consume-rate-point";
import type { LimiterSpec } from "./rate-limiters";

// Proof of work (decision 0011): a self-hosted altcha challenge, solved in
// the browser (components/sign/proof-of-work.ts) and checked here, once.

/**
 * The search space. A solution is uniform in [0, maxNumber], so a solver
 * tries maxNumber / 2 SHA-256 hashes on average (and maxNumber at worst).
 * A cheap phone hashes roughly 100k–300k short strings a second in plain JS
 * (components/sign/proof-of-work.ts); 100 000 gives about 50 000 hashes: a quarter to half a second on
 * such a phone, about a second at the slow end or with bad luck, well under
 * 100 ms on a laptop. A bot pays the same per signature, which is the point.
 */
export const PROOF_OF_WORK_MAX_NUMBER = 100_000;
/** How long a challenge may be solved and used. */
export const PROOF_OF_WORK_TTL_SECONDS = 10 * 60;
/** The replay store: each challenge signature may be used once while it is valid. */
export const PROOF_OF_WORK_REPLAY: LimiterSpec = { keyPrefix: "pow", points: 1, durationSeconds: PROOF_OF_WORK_TTL_SECONDS };
/** A payload longer than this is not ours (ours are ~300 characters). */
export const PROOF_OF_WORK_MAX_PAYLOAD = 2_000;

/** The HMAC key for challenges, derived from AUTH_SECRET so it needs no setting of its own. */
export function getProofOfWorkKey(): string {
  return createHmac("sha256", getConfig().authSecret).update("altcha").digest("base64url");
}

/** A fresh challenge for `GET /api/v1/challenge`. `maxNumber` and `now` are for tests. */
export async function createProofOfWorkChallenge(options: { maxNumber?: number; now?: number } = {}): Promise<Challenge> {
  return createChallenge({
    algorithm: "SHA-256",
    hmacKey: getProofOfWorkKey(),
    maxNumber: options.maxNumber ?? PROOF_OF_WORK_MAX_NUMBER,
    expires: new Date((options.now ?? Date.now()) + PROOF_OF_WORK_TTL_SECONDS * 1000),
  });
}

function decode(payload: string): Payload | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, "base64").toString("utf8"));
    if (!parsed || typeof parsed !== "object") return undefined;
    const { algorithm, challenge, number, salt, signature } = parsed as Record<string, unknown>;
    if (algorithm !== "SHA-256" || typeof challenge !== "string" || typeof salt !== "string" || typeof signature !== "string") return undefined;
    if (typeof number !== "number" || !Number.isSafeInteger(number) || number < 0) return undefined;
    return { algorithm, challenge, number, salt, signature };
  } catch {
    return undefined;
  }
}

/**
 * The challenge signature of `payload` (altcha's base64 JSON) when it solves
 * one of our challenges and has not expired, else null. Checks nothing in the
 * database: the caller claims the signature with `claimProofOfWork` in the
 * transaction that stores the submission, so a payload counts once.
 */
export async function checkProofOfWork(payload: string | undefined): Promise<string | null> {
  if (!payload || payload.length > PROOF_OF_WORK_MAX_PAYLOAD) return null;
  const decoded = decode(payload);
  if (!decoded) return null;
  return (await verifySolution(decoded, getProofOfWorkKey(), true)) ? decoded.signature : null;
}

/**
 * Marks a solved challenge used, in the shared `rate_limits` table: true the
 * first time, false for a replay (in any process).
 */
export function claimProofOfWork(tx: Transaction | AppDatabase, challengeSignature: string, now: number = Date.now()): boolean {
  return consumeRatePoint(tx, PROOF_OF_WORK_REPLAY, challengeSignature, now).consumedPoints <= PROOF_OF_WORK_REPLAY.points;
}

/**
 * True when `payload` solves one of our challenges, unexpired, and was not
 * used before (checked and claimed at once). Always true with BOT_CHECK=off.
 */
export async function verifyProofOfWork(payload: string | undefined, options: { db?: AppDatabase } = {}): Promise<boolean> {
  if (!getConfig().botCheck) return true;
  const challengeSignature = await checkProofOfWork(payload);
  return challengeSignature !== null && claimProofOfWork(options.db ?? getDb(), challengeSignature);
}
