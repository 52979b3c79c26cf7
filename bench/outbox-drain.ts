/**
 * How fast the outbox sender drains a backlog over real SMTP:
 *   npx tsx --conditions=react-server bench/outbox-drain.ts
 *
 * A fresh file database in a temp dir (the production migrations, WAL,
 * synchronous=FULL), BENCH_OUTBOX_EMAILS queued confirmation emails (default
 * 5,000, recorded as the sign path records them: the signer's name, which
 * the sender renders with links it makes as it claims each email, decisions
 * 0026 and 0029), a real smtp-server on loopback in a
 * child process (so it does not share the sender's event loop) that accepts,
 * discards and counts, and the production pooled transport. Calls
 * deliverDueEmails until nothing is claimed, then prints one JSON line:
 * { emails, seconds, emailsPerSecond, received, failed }.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../db/client";
import { createSmtpTransport, deliverDueEmails } from "../server/mail/outbox-sender";
import { parseSignLetter } from "../lib/schemas/sign-letter";
import { recordSignature } from "../server/signatures/sign-letter";

const EMAILS = Number(process.env.BENCH_OUTBOX_EMAILS) || 5000;
const APP_DIR = typeof __dirname === "string" ? path.resolve(__dirname, "..") : process.cwd();

// Runs in the child: a discarding SMTP server that reports its port, and its count when asked.
const SMTP_CHILD = `
const { SMTPServer } = require("smtp-server");
let received = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["AUTH", "STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    stream.on("end", () => { received += 1; callback(); });
    stream.resume();
  },
});
server.listen(0, "127.0.0.1", () => process.send({ port: server.server.address().port }));
process.on("message", () => process.send({ received }));
`;

type SmtpChild = { port: number; countReceived: () => Promise<number>; stop: () => void };

function startSmtpChild(): Promise<SmtpChild> {
  const child = spawn(process.execPath, ["-e", SMTP_CHILD], { cwd: APP_DIR, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`smtp child exited with ${code}`)));
    child.once("message", (message: { port: number }) => {
      resolve({
        port: message.port,
        countReceived: () =>
          new Promise((done) => {
            child.once("message", (reply: { received: number }) => done(reply.received));
            child.send("count");
          }),
        stop: () => child.kill(),
      });
    });
  });
}

// Rows as the sign path queues them: signatures recorded by production code, each with its
// confirmation email as the signer's name; the sender makes the three links as it claims them
// (decisions 0026, 0029), so their tokens' cost is in the figure.
function seedOutbox(db: ReturnType<typeof openDatabase>, now: number): void {
  db.transaction((tx) => {
    for (let i = 0; i < EMAILS; i += 1) {
      const parsed = parseSignLetter({ name: `Signer ${i}`, email: `signer${i}@example.org`, country: "DE", acceptPrivacy: true, locale: "en" });
      if (!parsed.success) throw new Error(`seed signature ${i} did not parse`);
      if (!recordSignature(tx, { data: parsed.data, now })) throw new Error(`seed signature ${i} queued no email`);
    }
  });
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-outbox-bench-"));
  const db = openDatabase(`file:${path.join(dir, "bench.db")}`);
  const smtp = await startSmtpChild();
  const transport = createSmtpTransport(`smtp://127.0.0.1:${smtp.port}`);
  try {
    seedOutbox(db, Date.now());
    const started = performance.now();
    let failed = 0;
    for (;;) {
      const result = await deliverDueEmails({ transport, from: '"Undersigned" <no-reply@app.test>', db });
      failed += result.failed;
      if (result.claimed === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const received = await smtp.countReceived();
    console.log(
      JSON.stringify({ emails: EMAILS, seconds: Number(seconds.toFixed(2)), emailsPerSecond: Math.round(EMAILS / seconds), received, failed }),
    );
  } finally {
    transport.close();
    smtp.stop();
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
