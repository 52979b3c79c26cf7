import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createMailCatcher, createOwnServer, freePort, readDatabase } from "./support/own-server";

// Issue 6, "nothing lost", at test sizes (the bench suite runs the full
// sizes). Each test runs a production server of its own, with
// BOT_CHECK=off and TRUST_PROXY=1 as under load: it is killed, or its mail
// server is missing, without touching the shared stack.

test.describe.configure({ mode: "serial", timeout: 240_000 });

const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join(".")}`;

function signatureBody(email: string): string {
  return JSON.stringify({ name: "Spike Tester", email, country: "DE", acceptPrivacy: true, locale: "en" });
}

/** Posts `count` new signatures with `concurrency` in flight; returns the addresses answered 202 and every status seen. */
async function signMany(baseUrl: string, options: { count: number; concurrency: number; prefix: string; until?: () => boolean }) {
  const accepted: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < options.count && !options.until?.()) {
      const email = `${options.prefix}.${next++}@gmail.com`;
      try {
        const response = await fetch(`${baseUrl}/api/v1/signatures`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": randomIp() },
          body: signatureBody(email),
        });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 202) accepted.push(email.toLowerCase());
      } catch {
        statuses.set(0, (statuses.get(0) ?? 0) + 1); // connection cut (the server was killed)
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { accepted, statuses };
}

test("under load: no 5xx, one row per 202, no duplicates", async () => {
  const smtpPort = await freePort();
  const mail = createMailCatcher(smtpPort);
  await mail.listen();
  const server = await createOwnServer({ smtpPort });
  try {
    await server.start();
    const prefix = `load${randomBytes(3).toString("hex")}`;
    const { accepted, statuses } = await signMany(server.baseUrl, { count: 1500, concurrency: 48, prefix });
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    expect(accepted).toHaveLength(1500);
    const rows = readDatabase(server.databasePath, (db) =>
      db.prepare("select count(*) as n, count(distinct email_key) as distinctKeys from signatures").get(),
    ) as { n: number; distinctKeys: number };
    expect(rows).toEqual({ n: 1500, distinctKeys: 1500 });
  } finally {
    await server.stop();
    server.remove();
    await mail.close();
  }
});

test("kill -9 under load: every acknowledged signature survives and every queued email is sent", async () => {
  const smtpPort = await freePort();
  const mail = createMailCatcher(smtpPort);
  await mail.listen();
  const server = await createOwnServer({ smtpPort });
  try {
    await server.start();
    const prefix = `crash${randomBytes(3).toString("hex")}`;
    let killed = false;
    const load = signMany(server.baseUrl, { count: 100_000, concurrency: 32, prefix, until: () => killed });
    // Kill once a good number is acknowledged, mid-flight.
    await expect.poll(() => readDatabase(server.databasePath, (db) => (db.prepare("select count(*) as n from signatures").get() as { n: number }).n), { timeout: 60_000 }).toBeGreaterThan(400);
    await server.kill();
    killed = true;
    const { accepted, statuses } = await load;
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(400);

    // After the crash, before any restart: the file is sound and holds every acknowledged signature.
    const stored = readDatabase(server.databasePath, (db) => {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      return new Set((db.prepare("select lower(email) as address from signatures").all() as { address: string }[]).map((row) => row.address));
    });
    expect(accepted.filter((email) => !stored.has(email))).toEqual([]);

    // Restarted, the server sends every queued email: at least once, and a repeat only with the same Message-ID.
    // Emails claimed by the killed process wait for their claim to lapse (90 s, server/mail/outbox-sender.ts).
    await server.start();
    await expect
      .poll(() => readDatabase(server.databasePath, (db) => (db.prepare("select count(*) as n from mail_outbox where status != 'sent'").get() as { n: number }).n), {
        timeout: 150_000,
      })
      .toBe(0);
    const outbox = readDatabase(server.databasePath, (db) => db.prepare("select to_address as address, message_id as messageId from mail_outbox").all()) as {
      address: string;
      messageId: string;
    }[];
    // Sent, each keeps its Message-ID and nothing of its recipient (decision 0019).
    expect(outbox.filter((row) => row.address !== "")).toEqual([]);
    expect(outbox.length).toBe(stored.size);
    const received = new Map<string, number>();
    for (const message of mail.messages) received.set(message.messageId, (received.get(message.messageId) ?? 0) + 1);
    expect(outbox.filter((row) => !received.has(row.messageId))).toEqual([]);
    expect([...received.values()].filter((times) => times > 2)).toEqual([]);
    const senders = new Set(mail.messages.map((message) => message.to));
    expect(accepted.filter((email) => !senders.has(email))).toEqual([]);
  } finally {
    await server.stop();
    server.remove();
    await mail.close();
  }
});

test("SMTP down for a while: emails wait in the outbox and all go out when it returns", async () => {
  const smtpPort = await freePort();
  const server = await createOwnServer({ smtpPort });
  const mail = createMailCatcher(smtpPort);
  try {
    await server.start();
    const prefix = `outage${randomBytes(3).toString("hex")}`;
    const { accepted } = await signMany(server.baseUrl, { count: 20, concurrency: 5, prefix });
    expect(accepted).toHaveLength(20);
    // Every email has been tried and failed: nothing listens on the SMTP port yet.
    await expect
      .poll(() => readDatabase(server.databasePath, (db) => (db.prepare("select count(*) as n from mail_outbox where status = 'queued' and attempts >= 1").get() as { n: number }).n), {
        timeout: 30_000,
      })
      .toBe(20);
    await mail.listen();
    await expect.poll(() => new Set(mail.messages.map((message) => message.to)).size, { timeout: 60_000 }).toBe(20);
    expect([...new Set(mail.messages.map((message) => message.to))].sort()).toEqual([...accepted].sort());
    await expect
      .poll(() => readDatabase(server.databasePath, (db) => (db.prepare("select count(*) as n from mail_outbox where status = 'sent'").get() as { n: number }).n), {
        timeout: 10_000,
      })
      .toBe(20);
  } finally {
    await server.stop();
    server.remove();
    await mail.close();
  }
});
