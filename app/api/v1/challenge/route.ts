import { jsonResponse } from "@/server/api/http";
import { createProofOfWorkChallenge } from "@/server/abuse/proof-of-work";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/challenge: a fresh proof-of-work challenge (altcha format:
 * algorithm, challenge, maxnumber, salt, signature), valid 10 minutes and
 * usable once. Solve it and send the payload as `altcha` with
 * `POST /api/v1/signatures` (decision 0011). Never cached.
 */
export async function GET(): Promise<Response> {
  const challenge = await createProofOfWorkChallenge();
  return jsonResponse(challenge, { headers: { "cache-control": "no-store" } });
}
