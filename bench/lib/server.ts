import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { SERVER_NODE_FLAGS } from "../../scripts/server-node-flags";

/** A port on 127.0.0.1 that nothing listens on right now. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

export type RunningServer = {
  pid: number;
  port: number;
  baseUrl: string;
  databasePath: string;
  logPath: string;
  /** Resolves when the process has exited (whatever the reason). */
  exited: Promise<void>;
  hasExited: () => boolean;
};

/** Variables the app reads: none of them may leak in from the caller's shell. */
export const APP_VARIABLES = [
  "NODE_ENV",
  "PORT",
  "DATABASE_URL",
  "APP_URL",
  "SMTP_URL",
  "MAIL_FROM",
  "AUTH_SECRET",
  "TRUST_PROXY",
  "BOT_CHECK",
  "NEXT_TELEMETRY_DISABLED",
  "MAIL_RATE_PER_MINUTE",
];

/**
 * Starts the production server (dist/server.js) on 127.0.0.1 in its own process group (so stopping it
 * also stops anything it spawned), against a fresh database in `tmpDir`,
 * with no SMTP_URL: confirmation emails stay queued in the outbox. `env`
 * adds to it (the fan-out section gives an SMTP_URL and MAIL_RATE_PER_MINUTE);
 * `nodeFlags` go to node before the script (the sign profile's --cpu-prof).
 */
export async function startServer(options: { appDir: string; tmpDir: string; env?: Record<string, string>; nodeFlags?: string[] }): Promise<RunningServer> {
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const databasePath = path.join(options.tmpDir, "bench.db");
  const logPath = path.join(options.tmpDir, "server.log");
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !APP_VARIABLES.includes(key)));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: "production",
    HOSTNAME: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: `file:${databasePath}`,
    APP_URL: baseUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    TRUST_PROXY: "1",
    BOT_CHECK: "off",
    NEXT_TELEMETRY_DISABLED: "1",
    ...options.env,
  };
  const log = fs.openSync(logPath, "a");
  let child: ChildProcess;
  try {
    child = spawn(
      process.execPath,
      [...SERVER_NODE_FLAGS, ...(options.nodeFlags ?? []), path.join(options.appDir, "dist/server.js")],
      { cwd: options.appDir, env, detached: true, stdio: ["ignore", log, log] },
    );
  } finally {
    fs.closeSync(log);
  }
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      resolve();
    });
    child.once("error", () => {
      exited = true;
      resolve();
    });
  });
  if (child.pid === undefined) throw new Error("could not start the server (dist/server.js: run `npm run build` first)");
  return {
    pid: child.pid,
    port,
    baseUrl,
    databasePath,
    logPath,
    exited: exitedPromise,
    hasExited: () => exited,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls GET /api/health until it answers 200; fails if the server dies or `timeoutMs` passes. */
export async function waitForHealthy(server: RunningServer, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (server.hasExited()) throw new Error(`the server exited while starting:\n${tailOfFile(server.logPath)}`);
    try {
      const response = await fetch(`${server.baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`GET /api/health did not answer 200 within ${timeoutMs / 1000} s:\n${tailOfFile(server.logPath)}`);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to the server's process group, SIGKILL after `graceMs` if it lingers. */
export async function stopServer(server: RunningServer, graceMs = 5_000): Promise<void> {
  if (server.hasExited()) {
    signalGroup(server.pid, "SIGKILL"); // anything it may have left behind
    return;
  }
  signalGroup(server.pid, "SIGTERM");
  const timedOut = await Promise.race([server.exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    signalGroup(server.pid, "SIGKILL");
    await Promise.race([server.exited, sleep(2_000)]);
  }
  signalGroup(server.pid, "SIGKILL");
}

/** Synchronous last resort for process exit handlers. */
export function killServerNow(server: RunningServer): void {
  signalGroup(server.pid, "SIGKILL");
}

export function tailOfFile(filePath: string, lines = 30): string {
  try {
    return fs.readFileSync(filePath, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no server log)";
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (µs, user + system) the process has used so far on its main
 * thread and on all its other threads (worker threads, libuv's pool with the
 * WAL fdatasync, V8's helpers), and the bytes it has had written to storage,
 * from /proc. Two readings around a load give its cost per request, a figure
 * far steadier than requests per second on a shared machine.
 */
export function readProcessCost(pid: number): { mainThreadUs: number; otherThreadsUs: number; writeBytes: number } {
  let mainThreadUs = 0;
  let otherThreadsUs = 0;
  for (const thread of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${thread}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime and stime: fields 14 and 15 of stat(5), 11 and 12 counted from the state field.
      const us = ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
      if (thread === String(pid)) mainThreadUs += us;
      else otherThreadsUs += us;
    } catch {
      // a thread that ended meanwhile
    }
  }
  const io = fs.readFileSync(`/proc/${pid}/io`, "utf8");
  return { mainThreadUs, otherThreadsUs, writeBytes: Number(/^write_bytes: (\d+)$/m.exec(io)?.[1] ?? 0) };
}

/** Resident set size (kB) of `rootPid` and all its descendants, from /proc. */
export function readTreeRssKb(rootPid: number): number {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses: fields start after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  let total = 0;
  const queue = [rootPid];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.pop();
    if (pid === undefined || seen.has(pid)) continue;
    seen.add(pid);
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match?.[1]) total += Number(match[1]);
    } catch {
      // exited meanwhile
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Samples the server tree's RSS every `intervalMs`; keeps the overall and a resettable peak. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  peakKb = 0;
  windowPeakKb = 0;
  lastKb = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  sample(): number {
    const kb = readTreeRssKb(this.pid);
    if (kb > 0) {
      this.lastKb = kb;
      this.peakKb = Math.max(this.peakKb, kb);
      this.windowPeakKb = Math.max(this.windowPeakKb, kb);
    }
    return kb;
  }

  /** Peak since the previous call (for one phase), then starts a new window. */
  takeWindowPeakKb(): number {
    this.sample();
    const peak = this.windowPeakKb;
    this.windowPeakKb = this.lastKb;
    return peak;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * Runs `measure` against the bare node:http + SQLite baseline
 * (bench/baseline-server.mjs) on a free port with its own database file,
 * then stops it. Measured in the same run as the app, so the ratio holds
 * on a noisy machine.
 */
export async function withBaselineServer<T>(
  options: { appDir: string; tmpDir: string; synchronous: "NORMAL" | "FULL" },
  measure: (baseUrl: string, pid: number) => Promise<T>,
): Promise<T> {
  const port = await findFreePort();
  const databaseFile = path.join(options.tmpDir, `baseline-${options.synchronous.toLowerCase()}.db`);
  const child = spawn(process.execPath, [path.join(options.appDir, "bench/baseline-server.mjs"), String(port), databaseFile, options.synchronous], {
    cwd: options.appDir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await (await fetch(baseUrl)).arrayBuffer();
        break;
      } catch (error) {
        if (attempt > 100 || child.exitCode !== null) throw error;
        await sleep(100);
      }
    }
    return await measure(baseUrl, child.pid!);
  } finally {
    child.kill("SIGKILL");
  }
}
