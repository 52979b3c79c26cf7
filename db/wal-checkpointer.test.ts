import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "./client";
import { getGroupCommit } from "./group-commit";
import { catchUpWalIfAsked, isWalCatchUpAsked, startWalCheckpointer } from "./wal-checkpointer";
import { setUpTestDatabase } from "@/test/database";

describe("WAL checkpoints off the request thread", () => {
  let db: AppDatabase;
  let stop: (() => Promise<void>) | undefined;
  setUpTestDatabase((opened) => ({ db } = opened), { file: true });
  beforeEach(() => {
    db.run(sql`CREATE TABLE wal_probe (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`);
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  const writeBatch = () =>
    Promise.all(
      Array.from({ length: 20 }, () => getGroupCommit(db).run((tx) => tx.run(sql`INSERT INTO wal_probe (body) VALUES (${"x".repeat(2000)})`))),
    );
  /** Frames in the WAL now (a passive checkpoint from a second look reports them). */
  const walFrames = () => (db.$client.pragma("wal_checkpoint(PASSIVE)") as { log: number }[])[0]!.log;

  it("stops the connection checkpointing inside its commits", async () => {
    stop = startWalCheckpointer(db, { intervalMs: 60_000 });
    expect(db.$client.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    await stop();
    stop = undefined;
    expect(db.$client.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
  });

  it("asks the writer to catch up when the WAL passes its limit, and the catch-up starts the WAL over", async () => {
    // Never TRUNCATE from the worker here: only the writer's catch-up can bound the WAL.
    stop = startWalCheckpointer(db, { intervalMs: 5, maxWalBytes: 32 * 1024, askWriterTimes: Number.MAX_SAFE_INTEGER });
    while (!isWalCatchUpAsked(db)) await writeBatch();
    // Stop the worker so that it cannot ask again meanwhile; the request it made stays.
    await stop();
    stop = undefined;
    // The next batch catches up first (group-commit calls catchUpWalIfAsked), and its write restarts the log.
    await writeBatch();
    expect(isWalCatchUpAsked(db)).toBe(false);
    expect(walFrames()).toBeLessThanOrEqual(20 * 2 + 10);
  });

  it("does nothing when nobody asked", () => {
    db.run(sql`INSERT INTO wal_probe (body) VALUES ('a')`);
    const before = walFrames();
    catchUpWalIfAsked(db);
    expect(walFrames()).toBe(before);
  });
});
