import { solveChallenge } from "altcha-lib";
import { createProofOfWorkChallenge } from "@/server/abuse/proof-of-work";

/**
 * Solves one of our challenges as the browser would and returns altcha's
 * base64 payload. A small search space by default: verification does not
 * depend on it, and tests stay fast.
 */
export async function solvedProofOfWork(options: { maxNumber?: number; now?: number } = {}): Promise<string> {
  const challenge = await createProofOfWorkChallenge({ maxNumber: options.maxNumber ?? 1_000, now: options.now });
  const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber).promise;
  if (!solution) throw new Error("unsolvable challenge");
  const { algorithm, salt, signature } = challenge;
  return btoa(JSON.stringify({ algorithm, challenge: challenge.challenge, number: solution.number, salt, signature }));
}
