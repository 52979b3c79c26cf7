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
const timer = setInterval(() => {
  try {
    const [state] = db.pragma("wal_checkpoint(PASSIVE)");
    // Under non-stop writes a passive checkpoint never catches up and the WAL
    // only grows: past the limit, one TRUNCATE checkpoint waits for the
    // current batch, copies the rest and empties the file (a short pause for writers).
    if (state && state.log * pageSize > workerData.maxWalBytes) db.pragma("wal_checkpoint(TRUNCATE)");
  } catch (error) { parentPort.postMessage(error && error.code ? String(error.code) : "checkpoint failed"); }
}, workerData.intervalMs);
parentPort.on("message", () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Moves WAL checkpoints off the request thread (decision 0012). SQLite
 * otherwise checkpoints inside the COMMIT that crosses 1,000 WAL pages,
 * which stalls every request for the length of the copy and its fsync; here
 * a worker thread with its own connection checkpoints every `intervalMs`
 * and the server's connection stops checkpointing itself. If the worker
 * fails, the connection goes back to checkpointing on its own. Returns a
 * function that stops the worker. Not for `:memory:` databases.
 */
export function startWalCheckpointer(db: AppDatabase, options: { intervalMs?: number; maxWalBytes?: number } = {}): () => Promise<void> {
  const client = db.$client;
  if (client.memory) return async () => undefined;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: require.resolve("better-sqlite3"),
      file: client.name,
      intervalMs: options.intervalMs ?? 1000,
      maxWalBytes: options.maxWalBytes ?? 64 * 1024 * 1024,
    },
  });
  worker.unref();
  const restore = () => {
    if (client.open) client.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  worker.on("message", (code: unknown) => console.warn(`[db] background checkpoint: ${String(code)}`));
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
