import type { AddressInfo } from "node:net";
import PostalMime from "postal-mime";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach } from "vitest";
import { createSmtpTransport } from "@/server/mail/outbox-sender";

export type SunkEmail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** Header names lower-cased, values as parsed (unfolded). */
  headers: Record<string, string>;
};

/**
 * A real SMTP server on loopback for tests: it parses and keeps every
 * message, and refuses the recipients it is told to with the SMTP reply
 * given (e.g. `550 5.1.1`), counting each refusal.
 */
export async function startSmtpSink() {
  const received: SunkEmail[] = [];
  const refusals: { to: string; code: number }[] = [];
  const refuse = new Map<string, { code: number; message: string }>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      const rule = refuse.get(address.address.toLowerCase());
      if (rule) {
        refusals.push({ to: address.address.toLowerCase(), code: rule.code });
        return callback(Object.assign(new Error(rule.message), { responseCode: rule.code }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        PostalMime.parse(Buffer.concat(chunks))
          .then((email) => {
            for (const recipient of session.envelope.rcptTo) {
              received.push({
                to: recipient.address.toLowerCase(),
                subject: email.subject ?? "",
                text: email.text ?? "",
                html: email.html ?? "",
                messageId: email.messageId ?? "",
                headers: Object.fromEntries(email.headers.map((header) => [header.key.toLowerCase(), header.value])),
              });
            }
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    refusals,
    /** From now on, answer `code message` to RCPT TO for this address (e.g. 550, "5.1.1 No such mailbox"). */
    refuse(address: string, code: number, message: string) {
      refuse.set(address.toLowerCase(), { code, message });
    },
    accept(address: string) {
      refuse.delete(address.toLowerCase());
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;
export type SmtpTransport = ReturnType<typeof createSmtpTransport>;

/**
 * Gives every test of the enclosing `describe` a fresh sink and the pooled
 * transport production sends with, pointed at it; both are closed after the
 * test (`setUpSmtpSink((opened) => ({ sink, transport } = opened))`).
 */
export function setUpSmtpSink(take: (opened: { sink: SmtpSink; transport: SmtpTransport }) => void): void {
  let opened: { sink: SmtpSink; transport: SmtpTransport } | undefined;
  beforeEach(async () => {
    const sink = await startSmtpSink();
    opened = { sink, transport: createSmtpTransport(sink.url) };
    take(opened);
  });
  afterEach(async () => {
    opened?.transport.close();
    await opened?.sink.close();
    opened = undefined;
  });
}
