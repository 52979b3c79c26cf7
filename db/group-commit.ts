import fs from "node:fs";
import path from "node:path";
import type { AppDatabase, Transaction } from "./client";
import { catchUpWalIfAsked } from "./wal-checkpointer";

/**
 * Group commit: the writes queued during one turn of the event loop share one
 * transaction, so one fsync makes a whole burst durable instead of one fsync
 * per request (decision 0012). One piece of work that throws is rolled back
 * alone and its caller gets the error; the others commit. A promise resolves
 * only once the data is on disk: answer a client only then.
 *
 * A batch first runs without savepoints: a savepoint per piece copied every
 * page the piece touched that the batch had already dirtied into SQLite's
 * statement journal, a cost paid on every signature for a failure that
 * almost never happens (decision 0027). If a piece throws, the whole batch
 * is rolled back and run again with a savepoint per piece, which gives the
 * answer above. So a piece of work may run twice: it must be database work
 * only, its result read from the run that committed.
 *
 * The batch commits with synchronous=NORMAL, and the WAL is then fdatasync'd
 * on libuv's thread pool (`syncWal`): the same sync SQLite's FULL does at
 * COMMIT, but the event loop goes on parsing requests while the disk works
 * instead of waiting for it (decision 0013). What arrives meanwhile waits
 * for that sync and then commits as one batch: one batch per sync, so fewer
 * pages written and fewer syncs per piece, most of all on a slow disk
 * (decision 0027).
 * Every other transaction on the connection keeps synchronous=FULL.
 */
export type GroupCommit = {
  run<T>(work: (tx: Transaction) => T): Promise<T>;
};

type QueuedWork = {
  work: (tx: Transaction) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Past this many queued pieces the batch is committed at once rather than at
 * the end of the turn, which bounds both the transaction and the latency of
 * its first caller.
 */
const MAX_BATCH = 2000;

/**
 * Makes everything committed to a WAL so far durable: fdatasync of the -wal
 * file through libuv's thread pool. Linux's fsync covers every write made to
 * the file before the call, whichever descriptor made it, so a later sync
 * also covers earlier batches. The descriptor stays open while the
 * connection is (SQLite only deletes the WAL when its last connection
 * closes, after checkpointing and syncing it into the database file, so a
 * missing WAL is already durable).
 */
function createWalSync(db: AppDatabase): (() => Promise<void>) | null {
  const client = db.$client;
  if (client.memory || String(client.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") return null;
  const walPath = `${path.resolve(client.name)}-wal`;
  let walFd: number | null = null;
  const forget = (fd: number) => {
    if (walFd === fd) walFd = null;
    fs.close(fd, () => undefined);
  };
  const syncFd = (fd: number, resolve: () => void, reject: (error: unknown) => void) =>
    fs.fdatasync(fd, (syncError) => {
      if (!client.open) forget(fd);
      if (!syncError) return resolve();
      forget(fd);
      reject(syncError);
    });
  return () =>
    new Promise<void>((resolve, reject) => {
      if (walFd !== null) return syncFd(walFd, resolve, reject);
      fs.open(walPath, "r", (openError, fd) => {
        if (openError) return openError.code === "ENOENT" ? resolve() : reject(openError);
        if (walFd === null) walFd = fd;
        else fs.close(fd, () => undefined);
        syncFd(walFd, resolve, reject);
      });
    });
}

/** Thrown inside a batch run without savepoints to roll it back whole; never escapes. */
const pieceFailed = new Error("a piece of a group commit threw");

function createGroupCommit(db: AppDatabase): GroupCommit {
  let queue: QueuedWork[] = [];
  let isScheduled = false;
  let syncsInFlight = 0;
  const syncWal = createWalSync(db);
  // better-sqlite3's own nesting: inside the batch's transaction a call is a
  // SAVEPOINT with cached statements, cheaper than drizzle's tx.transaction.
  // Made once: building the wrapper per piece cost more than the savepoint.
  const inSavepoint = db.$client.transaction((work: (tx: Transaction) => unknown, tx: Transaction) => work(tx));

  /**
   * Runs and commits the batch in one transaction without savepoints; false
   * (everything rolled back) when a piece threw, so the caller runs it again
   * piece by piece. A failed COMMIT throws as before.
   */
  const runTogether = (batch: QueuedWork[], outcomes: Outcome[]): boolean => {
    try {
      db.transaction(
        (tx) => {
          for (const queued of batch) {
            try {
              outcomes.push({ ok: true, value: queued.work(tx) });
            } catch {
              throw pieceFailed;
            }
          }
        },
        { behavior: "immediate" },
      );
      return true;
    } catch (error) {
      if (error === pieceFailed) return false;
      throw error;
    }
  };

  const commitQueued = () => {
    isScheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const outcomes: Outcome[] = [];
    try {
      if (syncWal) {
        catchUpWalIfAsked(db);
        // Not a prepared statement: SQLite applies this pragma when it compiles it.
        db.$client.exec("PRAGMA synchronous = NORMAL");
      }
      if (!runTogether(batch, outcomes)) {
        outcomes.length = 0;
        db.transaction(
          (tx) => {
            for (const queued of batch) {
              try {
                outcomes.push({ ok: true, value: inSavepoint(queued.work, tx) });
              } catch (error) {
                // An error SQLite answered by rolling back the whole transaction (disk full, I/O):
                // the pieces after it must not run outside it, so the batch fails as one.
                if (!db.$client.inTransaction) throw error;
                outcomes.push({ ok: false, error });
              }
            }
          },
          { behavior: "immediate" },
        );
      }
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing in the batch is durable.
      for (const queued of batch) queued.reject(error);
      return;
    } finally {
      if (syncWal && db.$client.open) db.$client.exec("PRAGMA synchronous = FULL");
    }
    const settle = () =>
      batch.forEach((queued, index) => {
        const outcome = outcomes[index]!;
        if (outcome.ok) queued.resolve(outcome.value);
        else queued.reject(outcome.error);
      });
    if (!syncWal) return settle();
    // Until this sync is done the next pieces only queue (run() schedules no commit), then go as one batch.
    syncsInFlight += 1;
    const afterSync = () => {
      syncsInFlight -= 1;
      if (syncsInFlight === 0 && queue.length > 0 && !isScheduled) {
        isScheduled = true;
        setImmediate(commitQueued);
      }
    };
    syncWal().then(
      () => {
        afterSync();
        settle();
      },
      (error: unknown) => {
        afterSync();
        // Committed but perhaps not on disk: nobody may be told it was kept.
        for (const queued of batch) queued.reject(error);
      },
    );
  };

  return {
    run<T>(work: (tx: Transaction) => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (queue.length >= MAX_BATCH) commitQueued();
        else if (!isScheduled && syncsInFlight === 0) {
          isScheduled = true;
          // setImmediate runs after the poll phase: every request parsed in this turn joins the batch.
          setImmediate(commitQueued);
        }
      });
    },
  };
}

// On globalThis, like the connection itself (db/client.ts): the custom
// server and Next's bundle each load this module, and both must feed one
// queue per connection.
const globalForGroupCommit = globalThis as unknown as { undersignedGroupCommits?: WeakMap<AppDatabase, GroupCommit> };

/** The group commit queue of a connection. */
export function getGroupCommit(db: AppDatabase): GroupCommit {
  const byDatabase = (globalForGroupCommit.undersignedGroupCommits ??= new WeakMap());
  let groupCommit = byDatabase.get(db);
  if (!groupCommit) {
    groupCommit = createGroupCommit(db);
    byDatabase.set(db, groupCommit);
  }
  return groupCommit;
}
