import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import { and, desc, eq, gt, lt, sql } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { connectionOf } from "@/db/prepared";
import { dailyHashKeys, mailOutbox } from "@/db/schema";

// Keyed hashes of client IPs and mail recipients (decision 0019). The key is
// random, one per UTC day, kept in SQLite (every app process on the database
// uses the same one) and destroyed soon after its day ends. Until then a hash
// serves rate limits, burst detection and the daily mail cap; afterwards
// nobody can tell which address it came from, even with the database and
// AUTH_SECRET, since there is nothing left to try addresses against.

export const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * A day's key is destroyed this long after the day ends: requests in flight
 * at midnight, and a process whose clock lags by less than this, still find it.
 * With the hourly maintenance a key lives at most 24 h + 1 h + 1 h.
 */
export const KEY_GRACE_MS = 60 * 60 * 1000;
const SECRET_BYTES = 32;
const HASH_LENGTH = 22;

/** Days since 1970-01-01, UTC. */
export function utcDay(now: number): number {
  return Math.floor(now / DAY_MS);
}

// The raw bytes, not a KeyObject: createHmac with a KeyObject cost 3.3 µs
// against 2.0 µs with the bytes (two HMACs per signature), and bytes can be
// zeroed when the process forgets a past day's key.
type CachedKey = { day: number; key: Buffer };
// On globalThis and per connection: the custom server and Next's bundle each
// load this module in one process and must not each read the key.
const globalForKeys = globalThis as unknown as { undersignedDailyKeys?: WeakMap<Database.Database, CachedKey> };
const cacheOf = () => (globalForKeys.undersignedDailyKeys ??= new WeakMap());

/**
 * The key of `day`, created if no process has yet. The insert is race-free
 * (primary key on the day) and never brings back a destroyed day: it only
 * happens while no later day has a key. A process whose clock lags past the
 * grace then gets the newest key instead.
 */
function readOrCreateKey(db: AppDatabase | Transaction, day: number, now: number): { day: number; secret: Buffer } {
  const read = () => db.select({ day: dailyHashKeys.day, secret: dailyHashKeys.secret }).from(dailyHashKeys).where(eq(dailyHashKeys.day, day)).get();
  const existing = read();
  if (existing) return existing;
  db.run(
    sql`insert into ${dailyHashKeys} (day, secret, created_at)
        select ${day}, ${randomBytes(SECRET_BYTES)}, ${now}
        where not exists (select 1 from ${dailyHashKeys} where day > ${day})
        on conflict (day) do nothing`,
  );
  const created = read() ?? db.select({ day: dailyHashKeys.day, secret: dailyHashKeys.secret }).from(dailyHashKeys).orderBy(desc(dailyHashKeys.day)).limit(1).get();
  if (!created) throw new Error("no IP-hash key could be read or created");
  return created;
}

/**
 * The day's key, from memory after the first read of the day: hashing stays
 * one HMAC per request on the sign path. A key read inside a transaction is
 * not kept (that transaction may yet roll back the row it saw or inserted).
 */
function getDayKey(db: AppDatabase | Transaction, now: number): Buffer {
  const day = utcDay(now);
  const connection = connectionOf(db);
  const cache = cacheOf();
  const cached = cache.get(connection);
  if (cached?.day === day) return cached.key;
  const found = readOrCreateKey(db, day, now);
  const key = Buffer.from(found.secret);
  if (!connection.inTransaction && found.day === day) {
    forgetCachedKey(connection);
    cache.set(connection, { day, key });
  }
  return key;
}

/** Drops this process's copy of a connection's day key, its bytes zeroed first. */
function forgetCachedKey(connection: Database.Database): void {
  const cached = cacheOf().get(connection);
  if (!cached) return;
  cached.key.fill(0);
  cacheOf().delete(connection);
}

type HashOptions = { db?: AppDatabase | Transaction; now?: number };

function keyedHash(prefix: string, value: string, options: HashOptions): string {
  const key = getDayKey(options.db ?? getDb(), options.now ?? Date.now());
  return createHmac("sha256", key).update(`${prefix}${value}`).digest("base64url").slice(0, HASH_LENGTH);
}

/** Keyed hash of a client IP under the day's key: enough to spot a flood today, useless to find a person once the key is gone. */
export function hashIpAddress(ip: string, options: HashOptions = {}): string {
  return keyedHash("ip:", ip, options);
}

/** Keyed hash of a normalised email address under the day's key, for the outbox's daily cap. */
export function hashRecipient(emailKey: string, options: HashOptions = {}): string {
  return keyedHash("mail:", emailKey, options);
}

/**
 * Rotates the keys (maintenance, hourly): makes sure today's key exists
 * (so no process with a lagging clock can create a past day's again), then
 * deletes every key whose day ended more than KEY_GRACE_MS ago, blanks the
 * outbox's recipient hashes made under them, and forgets them in this
 * process. The caller checkpoints afterwards so the bytes leave the WAL too.
 * The server's maintenance and the command line only.
 */
export function rotateDailyHashKeys(options: { db?: AppDatabase; now?: number } = {}): { destroyedKeys: number; blankedRecipientHashes: number } {
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  readOrCreateKey(db, utcDay(now), now);
  const keepFrom = utcDay(now - KEY_GRACE_MS);
  return db.transaction(
    (tx) => {
      const destroyedKeys = tx.delete(dailyHashKeys).where(lt(dailyHashKeys.day, keepFrom)).run().changes;
      // Through mail_outbox_recipient_idx: only rows with a hash left are read.
      const blankedRecipientHashes = tx
        .update(mailOutbox)
        .set({ recipientKey: "" })
        .where(and(gt(mailOutbox.recipientKey, ""), lt(mailOutbox.createdAt, keepFrom * DAY_MS)))
        .run().changes;
      if ((cacheOf().get(db.$client)?.day ?? keepFrom) < keepFrom) forgetCachedKey(db.$client);
      return { destroyedKeys, blankedRecipientHashes };
    },
    { behavior: "immediate" },
  );
}

/** Drops this process's copy of a past day's key (every process, on the maintenance tick, lease or not). */
export function forgetPastHashKeys(options: { db?: AppDatabase; now?: number } = {}): void {
  const db = options.db ?? getDb();
  const today = utcDay(options.now ?? Date.now());
  if ((cacheOf().get(db.$client)?.day ?? today) < today) forgetCachedKey(db.$client);
}

/**
 * The address's recipient hash under every key still stored (today's and
 * perhaps yesterday's), without creating one: what a withdrawal blanks in
 * the outbox so its sent rows cannot be tied to the address either.
 */
export function listRecipientHashes(emailKey: string, options: { db: AppDatabase | Transaction }): string[] {
  return options.db
    .select({ secret: dailyHashKeys.secret })
    .from(dailyHashKeys)
    .all()
    .map(({ secret }) => createHmac("sha256", secret).update(`mail:${emailKey}`).digest("base64url").slice(0, HASH_LENGTH));
}
