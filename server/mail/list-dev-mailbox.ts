import "server-only";
import { desc } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { mailOutbox } from "@/db/schema";
import { getConfig } from "@/server/config";
import { AppError } from "@/server/errors";
import { OUTBOX_EMAIL_COLUMNS, renderOutboxEmailOrNull } from "./render-outbox-email";

/**
 * The newest outbox emails, for the development mailbox, as they will be
 * sent (a signer's email rendered from its template's values; one that
 * cannot be rendered has an empty subject and body). Refuses in production:
 * the outbox holds signers' addresses and tokens.
 */
export function listDevMailbox(options: { limit?: number; db?: AppDatabase } = {}) {
  if (getConfig().isProduction) throw new AppError("FORBIDDEN", "devOnly");
  return (options.db ?? getDb())
    .select({ ...OUTBOX_EMAIL_COLUMNS, id: mailOutbox.id, to: mailOutbox.toAddress, status: mailOutbox.status, createdAt: mailOutbox.createdAt })
    .from(mailOutbox)
    .orderBy(desc(mailOutbox.id))
    .limit(options.limit ?? 50)
    .all()
    .map((row) => {
      const email = renderOutboxEmailOrNull(row);
      return { id: row.id, to: row.to, subject: email?.subject ?? "", text: email?.text ?? "", status: row.status, createdAt: row.createdAt };
    });
}
