import type { APIRequestContext } from "@playwright/test";
import { createHash } from "node:crypto";

/**
 * What an API client does before `POST /api/v1/signatures` (decision 0011):
 * fetch a challenge from `GET /api/v1/challenge`, solve it, and send the
 * payload as `altcha`. Each payload is good for one submission.
 */
export async function solveProofOfWork(request: APIRequestContext): Promise<string> {
  const response = await request.get("/api/v1/challenge");
  if (!response.ok()) throw new Error(`GET /api/v1/challenge answered ${response.status()}`);
  const challenge = (await response.json()) as { algorithm: string; challenge: string; maxnumber?: number; salt: string; signature: string };
  // node:crypto, synchronously: altcha-lib's solveChallenge awaits crypto.subtle per number, too slow for 50 in a row.
  let number = -1;
  for (let n = 0; n <= (challenge.maxnumber ?? 1_000_000); n += 1) {
    if (createHash("sha256").update(challenge.salt + n).digest("hex") === challenge.challenge) {
      number = n;
      break;
    }
  }
  if (number < 0) throw new Error("could not solve the proof-of-work challenge");
  const { algorithm, salt, signature } = challenge;
  return Buffer.from(JSON.stringify({ algorithm, challenge: challenge.challenge, number, salt, signature })).toString("base64");
}

/** `body` with a fresh proof of work. */
export async function withProofOfWork<T extends object>(request: APIRequestContext, body: T): Promise<T & { altcha: string }> {
  return { ...body, altcha: await solveProofOfWork(request) };
}
