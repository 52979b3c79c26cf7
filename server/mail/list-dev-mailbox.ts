import "server-only";
import { desc } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { mailOutbox } from "@/db/schema";
import { getConfig } from "@/server/config";
import { AppError } from "@/server/errors";
import type { SignerEmailLinks } from "./render-email";
import { issueOutboxLinks, OUTBOX_EMAIL_COLUMNS, renderOutboxEmail, UnrenderableEmailError, type OutboxEmailRow } from "./render-outbox-email";

/**
 * The newest outbox emails, for the development mailbox, as they will be
 * sent: a signer's email rendered from its template's values, with links
 * made now as the sender makes them when it sends (decision 0029; every
 * view makes new ones, and all of them work); one that cannot be rendered
 * has an empty subject and body. Refuses in production: the outbox holds
 * signers' addresses.
 */
export function listDevMailbox(options: { limit?: number; db?: AppDatabase; now?: number } = {}) {
  if (getConfig().isProduction) throw new AppError("FORBIDDEN", "devOnly");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction((tx) =>
    tx
      .select({ ...OUTBOX_EMAIL_COLUMNS, id: mailOutbox.id, to: mailOutbox.toAddress, status: mailOutbox.status, createdAt: mailOutbox.createdAt, signatureId: mailOutbox.signatureId })
      .from(mailOutbox)
      .orderBy(desc(mailOutbox.id))
      .limit(options.limit ?? 50)
      .all()
      .map((row) => {
        // Only an email still waiting gets links: one sent or given up keeps no values to render.
        const email = renderOrNull(row, () => (row.status === "queued" ? (issueOutboxLinks(tx, row, now)?.links ?? null) : null));
        return { id: row.id, to: row.to, subject: email?.subject ?? "", text: email?.text ?? "", status: row.status, createdAt: row.createdAt };
      }),
  );
}

function renderOrNull(row: OutboxEmailRow, makeLinks: () => SignerEmailLinks | null) {
  try {
    return renderOutboxEmail(row, makeLinks());
  } catch (error) {
    if (error instanceof UnrenderableEmailError) return null;
    throw error;
  }
}
