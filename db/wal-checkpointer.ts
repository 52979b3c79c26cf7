import { Worker } from "node:worker_threads";
import type { AppDatabase } from "./client";

const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

// Runs in the worker thread: its own connection, a PASSIVE checkpoint (never
// blocks a writer or a reader) on a timer, fsynced there, off the event loop.
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
db.pragma("synchronous = FULL");
const pageSize = db.pragma("page_size", { simple: true });
let overLimit = 0;
// Personal data was erased on the main connection: its old bytes sit in WAL
// frames until a TRUNCATE checkpoint copies the new pages home and empties
// the file. Waits at most 250 ms for readers; tried again every tick until done.
let erasureWanted = false;
const checkpointErasure = () => {
  if (!erasureWanted) return;
  db.pragma("busy_timeout = 250");
  try {
    const [state] = db.pragma("wal_checkpoint(TRUNCATE)");
    if (state && state.busy === 0) { erasureWanted = false; parentPort.postMessage({ erased: true }); }
  } catch (error) { parentPort.postMessage({ error: error && error.code ? String(error.code) : "erasure checkpoint failed" }); }
  finally { db.pragma("busy_timeout = 5000"); }
};
const timer = setInterval(() => {
  checkpointErasure();
  try {
    const [state] = db.pragma("wal_checkpoint(PASSIVE)");
    if (!state || state.log * pageSize <= workerData.maxWalBytes) { overLimit = 0; return; }
    // Under non-stop writes a passive checkpoint never catches up and the WAL
    // only grows. The writer finishes the job between two batches (a short
    // copy, since this one just did the rest), and its next write then starts
    // the WAL over. If nobody does, a TRUNCATE here (which makes the writer wait).
    overLimit += 1;
    if (overLimit <= workerData.askWriterTimes) parentPort.postMessage({ catchUp: true });
    else db.pragma("wal_checkpoint(TRUNCATE)");
  } catch (error) { parentPort.postMessage({ error: error && error.code ? String(error.code) : "checkpoint failed" }); }
}, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message === "erase") { erasureWanted = true; checkpointErasure(); return; }
  clearInterval(timer); db.close(); parentPort.close();
});
`;

// On globalThis, like the connection (db/client.ts): the custom server and Next's bundle each load this module.
const globalForCheckpoints = globalThis as unknown as { undersignedWalCatchUp?: WeakSet<object>; undersignedCheckpointWorkers?: WeakMap<object, Worker> };
const catchUpRequests = () => (globalForCheckpoints.undersignedWalCatchUp ??= new WeakSet());
const checkpointWorkers = () => (globalForCheckpoints.undersignedCheckpointWorkers ??= new WeakMap());

/**
 * Called after personal data is erased (a withdrawal, a purge, key
 * rotation; decision 0019). With secure_delete the erased bytes are zeroed
 * in the new page versions, but the old versions stay in the WAL (and in
 * the database file until a checkpoint overwrites them) until a TRUNCATE
 * checkpoint copies every frame home and cuts the WAL to zero bytes. With
 * the checkpoint worker running, it does that off the event loop, retrying
 * until no reader holds it back; otherwise (command line, tests, next dev)
 * it happens here: "done", or "busy" when a reader kept it from finishing.
 */
export function checkpointAfterErasure(db: AppDatabase): "done" | "busy" | "handedToWorker" {
  const client = db.$client;
  if (client.memory) return "done";
  const worker = checkpointWorkers().get(client);
  if (worker) {
    worker.postMessage("erase");
    return "handedToWorker";
  }
  const [state] = client.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
  return state?.busy === 0 ? "done" : "busy";
}

/** Whether the worker has asked this connection to catch up (tests). */
export function isWalCatchUpAsked(db: AppDatabase): boolean {
  return catchUpRequests().has(db.$client);
}

/**
 * Called by the group commit between two batches: when the checkpoint
 * worker has found the WAL past its limit, checkpoints the little it has not
 * copied yet, on this connection, so the next write starts the WAL over
 * (and cuts the file back to journal_size_limit). Costs nothing otherwise.
 */
export function catchUpWalIfAsked(db: AppDatabase): void {
  const client = db.$client;
  if (!catchUpRequests().has(client)) return;
  catchUpRequests().delete(client);
  try {
    client.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    // Only housekeeping: the batch that called this must not fail for it (the worker asks again).
    console.warn("[db] WAL catch-up failed:", error instanceof Error ? error.message : "unknown error");
  }
}

/**
 * Moves WAL checkpoints off the request thread (decision 0012). SQLite
 * otherwise checkpoints inside the COMMIT that crosses 1,000 WAL pages,
 * which stalls every request for the length of the copy and its fsync; here
 * a worker thread with its own connection checkpoints every `intervalMs`
 * and the server's connection stops checkpointing itself (except the short
 * catch-up of `catchUpWalIfAsked`, decision 0013). If the worker
 * fails, the connection goes back to checkpointing on its own. Returns a
 * function that stops the worker. Not for `:memory:` databases.
 */
export function startWalCheckpointer(
  db: AppDatabase,
  options: { intervalMs?: number; maxWalBytes?: number; askWriterTimes?: number } = {},
): () => Promise<void> {
  const client = db.$client;
  if (client.memory) return async () => undefined;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: require.resolve("better-sqlite3"),
      file: client.name,
      intervalMs: options.intervalMs ?? 250,
      maxWalBytes: options.maxWalBytes ?? 64 * 1024 * 1024,
      askWriterTimes: options.askWriterTimes ?? 3,
    },
  });
  worker.unref();
  checkpointWorkers().set(client, worker);
  const restore = () => {
    if (checkpointWorkers().get(client) === worker) checkpointWorkers().delete(client);
    if (client.open) client.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  worker.on("message", (message: { catchUp?: boolean; erased?: boolean; error?: string }) => {
    if (message.catchUp) catchUpRequests().add(client);
    else if (!message.erased) console.warn(`[db] background checkpoint: ${String(message.error)}`);
  });
  worker.on("error", (error) => {
    console.error("[db] checkpoint worker failed, checkpointing on the main connection again:", error.message);
    restore();
  });
  worker.on("exit", restore);
  client.pragma("wal_autocheckpoint = 0");
  return async () => {
    worker.postMessage("stop");
    await new Promise((resolve) => worker.once("exit", resolve));
  };
}
