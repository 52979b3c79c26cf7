import "server-only";
import { getDb, type AppDatabase } from "@/db/client";
import { getGroupCommit } from "@/db/group-commit";
import type { SignLetterData } from "@/lib/schemas/sign-letter";
import { checkSignLimits } from "@/server/abuse/check-sign-limits";
import { isBotSubmission, needsProofOfWork } from "@/server/abuse/is-bot-submission";
import { checkProofOfWork, claimProofOfWork } from "@/server/abuse/proof-of-work";
import { nudgeOutboxSender } from "@/server/mail/outbox-sender";
import type { SubmittingClient } from "@/server/security/client-ip";
import { recordSignature } from "./sign-letter";

export type { SubmittingClient } from "@/server/security/client-ip";

export type SubmitSignatureResult =
  /** Taken (or a bot answered as if it were): the caller answers "check your email". */
  | { outcome: "accepted" }
  | { outcome: "rateLimited"; retryAfterSeconds: number }
  | { outcome: "botCheckFailed" };

/**
 * The sign paths' one entry (the form's action and `POST /api/v1/signatures`):
 * bot checks, rate limits, then the signature and its email. Anyone may call
 * it; `data` must come from `parseSignLetter`.
 *
 * A honeypot or too-fast bot is answered "accepted" with nothing stored. The
 * proof of work's hash is checked before any write; the rate limits, the
 * claim on the proof of work and the signature then run in one group-commit
 * transaction (db/group-commit.ts, decision 0012), and the promise resolves
 * after COMMIT: an "accepted" answer means the signature is on disk.
 */
export async function submitSignature(options: {
  data: SignLetterData;
  via: "api" | "form";
  client: SubmittingClient;
  db?: AppDatabase;
  now?: number;
}): Promise<SubmitSignatureResult> {
  const { data, client } = options;
  if (isBotSubmission(data)) return { outcome: "accepted" };
  let challengeSignature: string | null = null;
  if (needsProofOfWork(data, options.via)) {
    challengeSignature = await checkProofOfWork(data.altcha);
    if (challengeSignature === null) return { outcome: "botCheckFailed" };
  }
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const result = await getGroupCommit(db).run((tx): SubmitSignatureResult & { queuedEmail?: boolean } => {
    const verdict = checkSignLimits({ tx, clientKey: client.rateLimitKey, email: data.email, provedWork: challengeSignature !== null, now });
    if (verdict.outcome === "refused") return { outcome: "rateLimited", retryAfterSeconds: verdict.retryAfterSeconds };
    if (challengeSignature !== null && !claimProofOfWork(tx, challengeSignature, now)) return { outcome: "botCheckFailed" };
    const queuedEmail = recordSignature(tx, {
      data,
      ipHash: client.ipHash,
      suspicion: verdict.outcome === "suspicious" ? verdict.suspicion : undefined,
      now,
    });
    return { outcome: "accepted", queuedEmail };
  });
  if (result.outcome !== "accepted") return result;
  if (result.queuedEmail) nudgeOutboxSender();
  return { outcome: "accepted" };
}
