import type { AppDatabase, Transaction } from "./client";

/**
 * Group commit: the writes queued during one turn of the event loop share one
 * transaction, so one fsync makes a whole burst durable instead of one fsync
 * per request (decision 0012). Each piece of work runs in its own savepoint:
 * one that throws is rolled back alone and its caller gets the error, the
 * others commit. A promise resolves only after COMMIT returned, that is after
 * the data is on disk (synchronous=FULL): answer a client only then.
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

function createGroupCommit(db: AppDatabase): GroupCommit {
  let queue: QueuedWork[] = [];
  let isScheduled = false;

  const commitQueued = () => {
    isScheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const outcomes: Outcome[] = [];
    try {
      db.transaction(
        (tx) => {
          for (const queued of batch) {
            try {
              // better-sqlite3's own nesting: a SAVEPOINT with cached statements, cheaper than drizzle's tx.transaction.
              outcomes.push({ ok: true, value: db.$client.transaction(() => queued.work(tx))() });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        },
        { behavior: "immediate" },
      );
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing in the batch is durable.
      for (const queued of batch) queued.reject(error);
      return;
    }
    batch.forEach((queued, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) queued.resolve(outcome.value);
      else queued.reject(outcome.error);
    });
  };

  return {
    run<T>(work: (tx: Transaction) => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (queue.length >= MAX_BATCH) commitQueued();
        else if (!isScheduled) {
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
