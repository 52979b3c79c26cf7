import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSmtpSink } from "@/test/smtp-sink";
import { SMTP_MESSAGE_DEFAULTS, smtpPoolOptions } from "./outbox-sender";
import { classifySendFailure } from "./smtp-failure";
import { createSmtpWorkerTransport, type RawMailTransport } from "./smtp-worker-transport";

const raw = (to: string, subject: string) => `From: no-reply@app.test\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@app.test>\r\n\r\nHello.\r\n`;

describe("the SMTP transport in a worker thread", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let transport: RawMailTransport;
  beforeEach(async () => {
    sink = await startSmtpSink();
    transport = createSmtpWorkerTransport({ transportOptions: smtpPoolOptions(sink.url, { maxConnections: 2 }), messageDefaults: SMTP_MESSAGE_DEFAULTS });
  });
  afterEach(async () => {
    await transport.close();
    await sink.close();
  });

  it("delivers raw messages, many at once, each exactly as given", async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => transport.sendMail({ envelope: { from: "no-reply@app.test", to: `r${i}@example.org` }, raw: raw(`r${i}@example.org`, `m${i}`) })));
    expect(sink.received.map((email) => email.subject).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
    expect(sink.received.find((email) => email.to === "r3@example.org")?.messageId).toBe("<m3@app.test>");
  });

  it("reports a refusal with its SMTP code and reply, as nodemailer would", async () => {
    sink.refuse("gone@example.org", 550, "5.1.1 No such mailbox");
    const error = await transport.sendMail({ envelope: { from: "no-reply@app.test", to: "gone@example.org" }, raw: raw("gone@example.org", "x") }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ responseCode: 550, code: "EENVELOPE", response: "550 5.1.1 No such mailbox" });
    expect(classifySendFailure(error)).toBe("undeliverable");
  });

  it("fails what it held as a connection error when the worker stops, and starts a new one for the next send", async () => {
    const held = transport.sendMail({ envelope: { from: "no-reply@app.test", to: "a@example.org" }, raw: raw("a@example.org", "held") });
    await transport.close();
    await expect(held).rejects.toMatchObject({ code: "ECONNECTION" });
    await transport.sendMail({ envelope: { from: "no-reply@app.test", to: "b@example.org" }, raw: raw("b@example.org", "after") });
    expect(sink.received.map((email) => email.subject)).toContain("after");
  });
});
