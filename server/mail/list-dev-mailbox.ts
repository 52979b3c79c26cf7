import "server-only";
import { desc } from "drizzle-orm";
import { getDb } from "@/db/client";
import { mailOutbox } from "@/db/schema";
import { getConfig } from "@/server/config";
import { AppError } from "@/server/errors";

/**
 * The newest outbox emails, for the development mailbox. Refuses in
 * production: the outbox holds signers' addresses and tokens.
 */
export function listDevMailbox(limit = 50) {
  if (getConfig().isProduction) throw new AppError("FORBIDDEN", "devOnly");
  return getDb()
    .select({
      id: mailOutbox.id,
      to: mailOutbox.toAddress,
      subject: mailOutbox.subject,
      text: mailOutbox.textBody,
      status: mailOutbox.status,
      createdAt: mailOutbox.createdAt,
    })
    .from(mailOutbox)
    .orderBy(desc(mailOutbox.id))
    .limit(limit)
    .all();
}
