import "server-only";
import { eq, isNull, and } from "drizzle-orm";
import type { AppDatabase, Transaction } from "@/db/client";
import { signatures } from "@/db/schema";

type SmtpError = { responseCode?: unknown; code?: unknown; originalCode?: unknown; name?: unknown; response?: unknown; command?: unknown };

function fields(error: unknown): SmtpError {
  return error && typeof error === "object" ? (error as SmtpError) : {};
}

/** What goes in last_error: the SMTP code (with its enhanced code) or the error class, never an address or the server's text. */
export function describeSendError(error: unknown): string {
  const { responseCode, code, originalCode, name } = fields(error);
  const enhanced = enhancedStatus(error);
  return [responseCode, enhanced, code, originalCode, name].filter(Boolean).join(" ").slice(0, 200) || "error";
}

/** The enhanced status code (RFC 3463) at the start of the server's reply, e.g. "5.1.1". */
function enhancedStatus(error: unknown): string | undefined {
  const { response } = fields(error);
  return typeof response === "string" ? /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(response)?.[1] : undefined;
}

/** The connection failed, not this message: the next message would fail the same way. */
export function isConnectionError(error: unknown): boolean {
  const { responseCode, code } = fields(error);
  return responseCode === 421 || ["ECONNECTION", "ESOCKET", "ETIMEDOUT", "EDNS", "EPROXY"].includes(String(code ?? ""));
}

/** SMTP steps before DATA: a failure at one of them means the message never reached the server. */
const STEPS_BEFORE_THE_MESSAGE: ReadonlySet<string> = new Set(["CONN", "EHLO", "HELO", "LHLO", "STARTTLS", "RSET", "MAIL FROM", "RCPT TO"]);

/**
 * Whether a failed send certainly never handed the message to the server:
 * it failed connecting, greeting, authenticating or at the envelope
 * (nodemailer's `command`). At DATA, while streaming, or for an unknown
 * step the server may have taken it (decision 0029 keeps such a message's
 * links working).
 */
export function failedBeforeTheMessage(error: unknown): boolean {
  const { command } = fields(error);
  return typeof command === "string" && (STEPS_BEFORE_THE_MESSAGE.has(command) || command.startsWith("AUTH"));
}

/**
 * How a failed send ends (decision 0022):
 * - "temporary": a 4xx or a connection problem; retried with backoff.
 * - "permanent": a 5xx refusal of this recipient or message (nodemailer's
 *   EENVELOPE at RCPT TO, EMESSAGE after DATA); retrying cannot help.
 * - "undeliverable": a permanent refusal that is about the address (at
 *   RCPT TO, or 5.1.x/5.2.x at any stage: no such mailbox, mailbox
 *   disabled), which stops every further update and reminder to it. A 5xx
 *   about us or the content (5.7.x policy: relaying denied, DMARC; a
 *   content refusal after DATA) fails the message but says nothing about
 *   the address, so one misconfigured relay cannot strike the whole list.
 */
export function classifySendFailure(error: unknown): "temporary" | "permanent" | "undeliverable" {
  const { responseCode, code } = fields(error);
  if (typeof responseCode !== "number" || responseCode < 500 || responseCode > 599) return "temporary";
  if (code !== "EENVELOPE" && code !== "EMESSAGE") return "temporary";
  const enhanced = enhancedStatus(error);
  if (enhanced?.startsWith("5.1.") || enhanced?.startsWith("5.2.")) return "undeliverable";
  if (code === "EENVELOPE" && !enhanced?.startsWith("5.7.")) return "undeliverable";
  return "permanent";
}

/** The short reason kept with an undeliverable address: "550 5.1.1". */
export function undeliverableReason(error: unknown): string {
  const { responseCode } = fields(error);
  return [responseCode, enhancedStatus(error)].filter(Boolean).join(" ").slice(0, 40) || "5xx";
}

/**
 * Marks the signature (by id, or by its normalised address `email_key`) as
 * undeliverable, inside the caller's transaction: no update or reminder
 * goes to it any more. The first refusal's time and code are kept.
 * Internal: the senders call it when a server refuses the address for good.
 */
export function markAddressUndeliverable(
  tx: Transaction | AppDatabase,
  options: ({ emailKey: string } | { signatureId: number }) & { reason: string; now: number },
): void {
  const which = "signatureId" in options ? eq(signatures.id, options.signatureId) : eq(signatures.emailKey, options.emailKey);
  tx.update(signatures)
    .set({ undeliverableAt: options.now, undeliverableReason: options.reason })
    .where(and(which, isNull(signatures.undeliverableAt)))
    .run();
}
