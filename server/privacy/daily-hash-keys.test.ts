import { createHmac } from "node:crypto";
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type AppDatabase } from "@/db/client";
import { dailyHashKeys, mailOutbox } from "@/db/schema";
import { checkpointAfterErasure } from "@/db/wal-checkpointer";
import { getConfig, resetConfigForTesting } from "@/server/config";
import { MAINTENANCE_INTERVAL_MS } from "@/server/maintenance/run-maintenance";
import { getSubmittingClient } from "@/server/security/client-ip";
import { forbidRealClock } from "@/test/clock";
import { createTestDatabase } from "@/test/database";
import { submitTestSignature } from "@/test/factories";
import { DAY_MS, hashIpAddress, hashRecipient, KEY_GRACE_MS, rotateDailyHashKeys, utcDay } from "./daily-hash-keys";

const T0 = Date.parse("2026-11-10T09:30:00Z");
const DAY_START = utcDay(T0) * DAY_MS;

/** Every IPv4 address of a /24, as an attacker holding the database would try them (all 2^32 take minutes). */
const NEIGHBOURHOOD = Array.from({ length: 256 }, (_, i) => `203.0.113.${i}`);

/** What someone holding the database file and AUTH_SECRET can try an address against: the secret and every key left. */
function findAddressByTrying(db: AppDatabase, storedHash: string, candidates: string[]): string | undefined {
  const keys: (string | Buffer)[] = [getConfig().authSecret, ...db.select().from(dailyHashKeys).all().map((row) => row.secret)];
  return candidates.find((ip) => keys.some((key) => createHmac("sha256", key).update(`ip:${ip}`).digest("base64url").slice(0, 22) === storedHash));
}

describe("daily keys for IP and recipient hashes", () => {
  forbidRealClock();
  const closers: (() => void)[] = [];
  afterEach(() => {
    while (closers.length > 0) closers.pop()!();
    delete process.env.TRUST_PROXY;
    resetConfigForTesting();
  });
  function database(options: { file?: boolean } = {}) {
    const opened = createTestDatabase(options);
    closers.push(opened.close);
    return opened;
  }

  it("once the day's key is destroyed, no stored hash leads back to its address, even with the database and AUTH_SECRET", async () => {
    process.env.TRUST_PROXY = "1";
    resetConfigForTesting();
    const { db } = database();
    const ipHash = hashIpAddress("203.0.113.77", { db, now: T0 });
    // The client as the sign path sees it behind one trusted proxy: limits count under the stored hash.
    await submitTestSignature(db, { name: "Olga", email: "olga@example.org", ipHash, clientKey: ipHash, now: T0 });

    // While the key lives, the hash is the same for every request of the day (rate limits, bursts) ...
    expect(hashIpAddress("203.0.113.77", { db, now: T0 + 60_000 })).toBe(ipHash);
    // ... and, like any keyed hash whose key sits beside it, can be searched by trying addresses.
    expect(findAddressByTrying(db, ipHash, NEIGHBOURHOOD)).toBe("203.0.113.77");

    rotateDailyHashKeys({ db, now: DAY_START + DAY_MS + KEY_GRACE_MS });
    expect(findAddressByTrying(db, ipHash, NEIGHBOURHOOD)).toBeUndefined();
    // A new day hashes under a new key: yesterday's hashes match nothing today.
    expect(hashIpAddress("203.0.113.77", { db, now: DAY_START + DAY_MS + KEY_GRACE_MS })).not.toBe(ipHash);
  });

  it("keeps a day's key until an hour after the day ends, never past 48 hours with the hourly maintenance", () => {
    const { db } = database();
    hashIpAddress("192.0.2.1", { db, now: DAY_START });
    const days = () => db.select({ day: dailyHashKeys.day }).from(dailyHashKeys).all().map((row) => row.day);
    expect(rotateDailyHashKeys({ db, now: DAY_START + DAY_MS + KEY_GRACE_MS - 1 }).destroyedKeys).toBe(0);
    expect(days()).toContain(utcDay(DAY_START));
    expect(rotateDailyHashKeys({ db, now: DAY_START + DAY_MS + KEY_GRACE_MS }).destroyedKeys).toBe(1);
    expect(days()).toEqual([utcDay(DAY_START) + 1]);
    // Created at the earliest at the start of its day, gone at the first run after its day and the grace.
    expect(DAY_MS + KEY_GRACE_MS + MAINTENANCE_INTERVAL_MS).toBeLessThanOrEqual(48 * 60 * 60 * 1000);
  });

  it("several processes on one database share the day's key, and a lagging clock never brings back a destroyed one", () => {
    const { db, filePath } = database({ file: true });
    const second = openDatabaseFor(closers, filePath!);
    expect(hashIpAddress("192.0.2.9", { db: second, now: T0 })).toBe(hashIpAddress("192.0.2.9", { db, now: T0 }));
    expect(hashRecipient("anna@example.org", { db: second, now: T0 })).toBe(hashRecipient("anna@example.org", { db, now: T0 }));
    expect(db.select().from(dailyHashKeys).all()).toHaveLength(1);

    const nextDay = DAY_START + DAY_MS + KEY_GRACE_MS;
    rotateDailyHashKeys({ db, now: nextDay });
    hashIpAddress("192.0.2.9", { db: openDatabaseFor(closers, filePath!), now: T0 });
    expect(db.select({ day: dailyHashKeys.day }).from(dailyHashKeys).all()).toEqual([{ day: utcDay(nextDay) }]);
  });

  it("a key read inside a transaction that rolls back is not remembered", () => {
    const { db } = database();
    let inside = "";
    expect(() =>
      db.transaction(() => {
        inside = hashIpAddress("192.0.2.50", { db, now: T0 });
        throw new Error("rolled back");
      }),
    ).toThrow("rolled back");
    expect(db.select().from(dailyHashKeys).all()).toEqual([]);
    const after = hashIpAddress("192.0.2.50", { db, now: T0 });
    expect(after).not.toBe(inside);
    expect(hashIpAddress("192.0.2.50", { db, now: T0 + 1 })).toBe(after);
  });

  it("rotation blanks the outbox's recipient hashes of destroyed days, and the key's bytes leave the database's files", async () => {
    const { db, filePath } = database({ file: true });
    await submitTestSignature(db, { name: "Olga", email: "olga@example.org", now: T0 });
    const [key] = db.select().from(dailyHashKeys).all();
    expect(db.select({ recipientKey: mailOutbox.recipientKey }).from(mailOutbox).get()?.recipientKey).toBe(hashRecipient("olga@example.org", { db, now: T0 }));
    const bytes = () => Buffer.concat([fs.readFileSync(filePath!), fs.existsSync(`${filePath}-wal`) ? fs.readFileSync(`${filePath}-wal`) : Buffer.alloc(0)]);
    expect(bytes().includes(key!.secret)).toBe(true);

    expect(rotateDailyHashKeys({ db, now: DAY_START + DAY_MS + KEY_GRACE_MS })).toEqual({ destroyedKeys: 1, blankedRecipientHashes: 1 });
    expect(db.select({ recipientKey: mailOutbox.recipientKey }).from(mailOutbox).get()?.recipientKey).toBe("");
    expect(checkpointAfterErasure(db)).toBe("done");
    expect(bytes().includes(key!.secret)).toBe(false);
  });
});

function openDatabaseFor(closers: (() => void)[], filePath: string): AppDatabase {
  const db = openDatabase(`file:${filePath}`);
  closers.push(() => db.$client.close());
  return db;
}

describe("the IP hash of a request, with the real clock", () => {
  let close: (() => void) | undefined;
  afterEach(() => {
    close?.();
    delete process.env.TRUST_PROXY;
    resetConfigForTesting();
  });

  it("is made with the day's key, not the old HMAC under AUTH_SECRET", () => {
    process.env.TRUST_PROXY = "1";
    resetConfigForTesting();
    ({ close } = createTestDatabase());
    const { ipHash, rateLimitKey } = getSubmittingClient({ forwardedFor: "198.51.100.23" });
    expect(ipHash).toMatch(/^[\w-]{22}$/);
    expect(rateLimitKey).toBe(ipHash);
    expect(ipHash).not.toBe(createHmac("sha256", getConfig().authSecret).update("ip:198.51.100.23").digest("base64url").slice(0, 22));
    expect(ipHash).toBe(hashIpAddress("198.51.100.23"));
  });
});
