/**
 * Run by `readConfirmTokens` (bench/lib/confirm-load.ts) in a child process,
 * `tsx --conditions=react-server bench/lib/send-confirmation-emails.ts DB LIMIT`:
 * sends the emails the sign load queued in the bench's database as the
 * outbox sender does (its claim makes each signer's links, decision 0029),
 * to a transport that keeps only the confirm links' tokens, until LIMIT
 * tokens or an empty outbox, and prints them as a JSON array. The bench's
 * server runs without SMTP, so nothing else sends them.
 */
import { openDatabase } from "../../db/client";
import { deliverDueEmails, type MailTransport } from "../../server/mail/outbox-sender";

async function main(): Promise<void> {
  const [databasePath, limitText] = process.argv.slice(2);
  const limit = Number(limitText);
  if (!databasePath || !Number.isSafeInteger(limit) || limit < 1) throw new Error("usage: send-confirmation-emails.ts DATABASE_FILE LIMIT");
  const db = openDatabase(`file:${databasePath}`);
  const tokens: string[] = [];
  const transport: MailTransport = {
    async sendMail(message) {
      const token = /\/confirm\?token=([A-Za-z0-9_-]+)/.exec(message.text)?.[1];
      if (token) tokens.push(token);
    },
  };
  try {
    while (tokens.length < limit && (await deliverDueEmails({ transport, from: "bench@app.test", db })).claimed > 0);
  } finally {
    db.$client.close();
  }
  process.stdout.write(JSON.stringify(tokens.slice(0, limit)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
