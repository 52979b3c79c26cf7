import "server-only";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";

/** What a raw send reports when it fails: the fields smtp-failure.ts reads, nothing else (never the message). */
export type WorkerSendError = Error & { responseCode?: number; code?: string; response?: string };

// Runs in the worker: nodemailer's pool, fed raw messages by the main thread.
// Composing the MIME stream, dot-stuffing it and speaking SMTP for each email
// cost ~0.3–0.5 ms of CPU; here they run beside the sign path instead of on
// its event loop (decision 0022). Errors go back as their SMTP fields only.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const nodemailer = require(workerData.nodemailerPath);
const transport = nodemailer.createTransport(workerData.transportOptions, workerData.messageDefaults);
parentPort.on("message", (message) => {
  if (message.close) { transport.close(); parentPort.close(); return; }
  transport.sendMail({ envelope: message.envelope, raw: message.raw }).then(
    () => parentPort.postMessage({ id: message.id }),
    (error) => parentPort.postMessage({ id: message.id, error: {
      name: error && error.name ? String(error.name) : "Error",
      code: error && error.code ? String(error.code) : undefined,
      responseCode: error && typeof error.responseCode === "number" ? error.responseCode : undefined,
      response: error && typeof error.response === "string" ? error.response.slice(0, 120) : undefined,
    } }),
  );
});
`;

export type RawMailTransport = {
  sendMail(message: { envelope: { from: string; to: string }; raw: string }): Promise<unknown>;
  close(): Promise<void>;
};

/**
 * A pooled nodemailer transport in a worker thread, for raw messages (the
 * mailing sender's). `sendMail` resolves when the relay accepted the
 * message and rejects with its SMTP code and reply (as nodemailer's error
 * would carry them). If the worker dies, the sends it held reject as a
 * connection error (they may or may not have gone out: the caller's
 * retry may repeat one, with the same Message-ID) and the next send starts
 * a new worker.
 */
export function createSmtpWorkerTransport(options: { transportOptions: Record<string, unknown>; messageDefaults: Record<string, unknown> }): RawMailTransport {
  // Resolved from the app's own folder at run time: this module may be bundled (Next's server bundle).
  const nodemailerPath = createRequire(path.join(process.cwd(), "package.json")).resolve("nodemailer");
  let worker: Worker | undefined;
  let nextId = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (error: WorkerSendError) => void }>();

  const failAll = (reason: string) => {
    for (const [id, pending] of waiting) {
      waiting.delete(id);
      pending.reject(Object.assign(new Error(reason), { code: "ECONNECTION" }));
    }
  };
  const start = (): Worker => {
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { nodemailerPath, ...options } });
    started.unref();
    started.on("message", (reply: { id: number; error?: { name: string; code?: string; responseCode?: number; response?: string } }) => {
      const pending = waiting.get(reply.id);
      if (!pending) return;
      waiting.delete(reply.id);
      if (!reply.error) return pending.resolve();
      pending.reject(Object.assign(new Error("send failed"), reply.error));
    });
    started.on("error", (error) => {
      console.error("[mail] SMTP worker failed:", error.message);
    });
    started.on("exit", () => {
      if (worker === started) worker = undefined;
      failAll("the SMTP worker stopped");
    });
    return started;
  };

  return {
    sendMail(message) {
      worker ??= start();
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker!.postMessage({ id, envelope: message.envelope, raw: message.raw });
      });
    },
    async close() {
      const current = worker;
      worker = undefined;
      if (!current) return;
      const exited = new Promise((resolve) => current.once("exit", resolve));
      current.postMessage({ close: true });
      await exited;
    },
  };
}
