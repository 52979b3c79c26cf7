/**
 * The export section of `npm run bench` (BENCH_ONLY=export runs only this,
 * BENCH_SKIP=export leaves it out): 1,000,000 signatures exported as CSV
 * through the running production server, and the organizer dashboard at that
 * size.
 *
 * 1. A fresh database, created and migrated by the project's own
 *    db/client.ts `openDatabase`; an admin organizer made with the project's
 *    CLI (scripts/user.ts).
 * 2. Baseline on the empty database: the production server (dist/server.js, as
 *    `npm start` runs it), sign in like a browser
 *    (next-auth credentials), 3 + 20 sequential GET /admin and
 *    GET /api/v1/stats. Server stopped.
 * 3. Seeding while the server is stopped (better-sqlite3, one prepared INSERT,
 *    50,000-row transactions, counters rebuilt by aggregate), timed apart.
 * 4. The production server again, sign in, then GET
 *    /admin/exports/signatures.csv?status=verified three times as a browser
 *    (Accept-Encoding: gzip, deflate, br, zstd) and once without compression,
 *    each with its first byte, total time, bytes, rows and the server's RSS
 *    (process tree, sampled every 50 ms); then the dashboard and stats again
 *    (same method as on the empty database); last, a bounded autocannon run
 *    on /api/v1/stats like the public section's.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import Database from "better-sqlite3";
import { openDatabase } from "../../db/client";
import { runGet, summarize, type LoadSummary } from "./load";
import { seedSignatures, type SeedResult } from "./seed-signatures";
import { APP_VARIABLES, readTreeRssKb, startServer, stopServer, tailOfFile, waitForHealthy, type RunningServer } from "./server";

/** The organizers' goals (issue: 1M-signature export). */
export const EXPORT_GOALS = {
  totalMs: 5_000,
  firstByteMs: 200,
  rssGrowthMB: 150,
  dashboardMs: 200,
} as const;

const EXPORT_PATH = "/admin/exports/signatures.csv?status=verified";
const CSV_HEADER = "name,email,country,city,public_name,verified_at";
/** What Chromium sends. */
const BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const toMb = (kb: number) => round(kb / 1024);

export type ExportBenchOptions = {
  appDir: string;
  rows: number;
  /** autocannon run on /api/v1/stats at 1M: same settings as the public section's stats run. */
  statsLoad: { connections: number; durationSeconds: number; warmupSeconds: number };
  log: (message: string) => void;
  /** Registers a synchronous last-resort cleanup (signal, watchdog); returns its removal. */
  onAbort: (cleanup: () => void) => () => void;
};

// ---------------------------------------------------------------------------
// Server RSS, sampled every 50 ms

type RssSample = { atMs: number; kb: number };

/**
 * Samples the RSS (VmRSS) of a process and its descendants. The process tree
 * is re-read from /proc once a second; in between only the known pids'
 * /proc/<pid>/status are read, so a 50 ms sample costs the client little.
 */
class RssTrace {
  private timer: NodeJS.Timeout | undefined;
  private pids: number[] = [];
  private treeReadAt = -Infinity;
  readonly samples: RssSample[] = [];
  private readonly origin = performance.now();

  constructor(
    private readonly rootPid: number,
    private readonly intervalMs = 50,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  sample(): number {
    const now = performance.now();
    let kb = 0;
    if (now - this.treeReadAt >= 1000) {
      this.pids = descendants(this.rootPid);
      this.treeReadAt = now;
    }
    for (const pid of this.pids) kb += readRssKb(pid);
    if (kb === 0) kb = readTreeRssKb(this.rootPid); // the tree changed under us: the slow, sure way
    if (kb > 0) this.samples.push({ atMs: now - this.origin, kb });
    return kb;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Peak and sampling quality between two instants (ms since the trace started). */
  window(fromMs: number, toMs: number): { peakKb: number; peakAtMs: number; samples: number; maxGapMs: number } {
    let peakKb = 0;
    let peakAtMs = fromMs;
    let maxGapMs = 0;
    let previous = fromMs;
    let count = 0;
    for (const { atMs, kb } of this.samples) {
      if (atMs < fromMs || atMs > toMs) continue;
      count += 1;
      maxGapMs = Math.max(maxGapMs, atMs - previous);
      previous = atMs;
      if (kb > peakKb) {
        peakKb = kb;
        peakAtMs = atMs;
      }
    }
    return { peakKb, peakAtMs: peakAtMs - fromMs, samples: count, maxGapMs: round(Math.max(maxGapMs, toMs - previous), 0) };
  }

  elapsedMs(): number {
    return performance.now() - this.origin;
  }
}

function readRssKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** `rootPid` and every process below it. */
function descendants(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const result: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop();
    if (pid === undefined || result.includes(pid)) continue;
    result.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return result;
}

// ---------------------------------------------------------------------------
// Organizer account and browser-like sign-in

/** The project's CLI, as an operator would run it: `user create --role admin --password-stdin`. */
async function createAdmin(appDir: string, databasePath: string, email: string, password: string): Promise<string> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !APP_VARIABLES.includes(key)));
  // As an operator on the server would run it; the CLI reads only DATABASE_URL.
  const env: NodeJS.ProcessEnv = { ...inherited, NODE_ENV: "production", DATABASE_URL: `file:${databasePath}`, NEXT_TELEMETRY_DISABLED: "1" };
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/user.ts", "create", "--email", email, "--role", "admin", "--password-stdin"],
    { cwd: appDir, env, stdio: ["pipe", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(`${password}\n`);
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((resolve) => {
    child.once("exit", (exitCode) => resolve(exitCode));
    child.once("error", () => resolve(-1));
  });
  clearTimeout(timer);
  if (code !== 0) throw new Error(`scripts/user.ts create failed (exit ${code}): ${output.trim()}`);
  return output.trim();
}

type CookieJar = Map<string, string>;

function storeCookies(jar: CookieJar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

const cookieHeader = (jar: CookieJar) => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");

/**
 * Signs in as a browser's login form does: GET /api/auth/csrf (keeps its
 * cookie), POST /api/auth/callback/credentials form-encoded with csrfToken,
 * email, password and json=true. Returns the cookies (session included).
 */
async function signIn(baseUrl: string, email: string, password: string): Promise<{ cookie: string; ms: number }> {
  const started = performance.now();
  const jar: CookieJar = new Map();
  const csrfResponse = await fetch(`${baseUrl}/api/auth/csrf`, { signal: AbortSignal.timeout(15_000) });
  if (csrfResponse.status !== 200) throw new Error(`GET /api/auth/csrf answered ${csrfResponse.status}`);
  storeCookies(jar, csrfResponse);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken?: string };
  if (!csrfToken) throw new Error("GET /api/auth/csrf gave no csrfToken");
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
  });
  storeCookies(jar, response);
  const body = await response.text();
  if (!jar.has("next-auth.session-token")) {
    throw new Error(`sign-in failed: ${response.status} ${body.slice(0, 200)} (no next-auth.session-token cookie)`);
  }
  return { cookie: cookieHeader(jar), ms: Math.round(performance.now() - started) };
}

// ---------------------------------------------------------------------------
// Sequential latency (dashboard, stats)

export type SequentialSummary = {
  path: string;
  warmups: number;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  minMs: number;
  meanMs: number;
  statuses: Record<string, number>;
  bodyBytes: number;
};

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** `warmups` unmeasured, then `count` measured GETs one after the other; each timed to its last body byte. */
async function sequentialGets(
  baseUrl: string,
  pathname: string,
  cookie: string | undefined,
  options: { warmups?: number; count?: number } = {},
): Promise<{ summary: SequentialSummary; lastBody: string }> {
  const warmups = options.warmups ?? 3;
  const count = options.count ?? 20;
  const timings: number[] = [];
  const statuses: Record<string, number> = {};
  let lastBody = "";
  for (let n = 0; n < warmups + count; n++) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${pathname}`, {
      headers: { "accept-language": "en", ...(cookie ? { cookie } : {}) },
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    lastBody = await response.text();
    const ms = performance.now() - started;
    if (n < warmups) continue;
    timings.push(ms);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }
  const sorted = [...timings].sort((a, b) => a - b);
  return {
    summary: {
      path: pathname,
      warmups,
      requests: count,
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      maxMs: round(sorted.at(-1) ?? 0),
      minMs: round(sorted[0] ?? 0),
      meanMs: round(timings.reduce((sum, t) => sum + t, 0) / Math.max(1, timings.length)),
      statuses,
      bodyBytes: Buffer.byteLength(lastBody),
    },
    lastBody,
  };
}

/** The number the dashboard shows for one status (`<dd data-status="verified">900,123</dd>`), or null. */
function dashboardNumber(html: string, status: string): number | null {
  const match = new RegExp(`data-status="${status}"[^>]*>([^<]*)<`).exec(html);
  if (!match?.[1]) return null;
  const digits = match[1].replace(/\D/g, "");
  return digits ? Number(digits) : null;
}

// ---------------------------------------------------------------------------
// One export download

export type ExportRun = {
  run: number;
  /** 1-minute load average just before the run (2 cores here: above 2 means queued work). */
  loadAverage1m: number;
  acceptEncoding: string;
  status: number;
  contentType: string;
  contentEncoding: string;
  /** Request sent → response headers in. */
  headersMs: number;
  /** Request sent → first byte of the body. */
  firstByteMs: number;
  /** Request sent → last byte in (and decoded). */
  totalMs: number;
  wireBytes: number;
  csvBytes: number;
  csvMB: number;
  /** Lines (CRLF-terminated) minus the header line. */
  rows: number;
  rowsPerSec: number;
  rowsMatchVerified: boolean;
  startsWithBomAndHeader: boolean;
  endsWithCrlf: boolean;
  /** The export.signaturesCsv audit row the server wrote for this download. */
  auditRowCount: number | null;
  rss: {
    beforeMB: number;
    peakMB: number;
    /** 1 s after the download ended. */
    afterMB: number;
    growthMB: number;
    peakAtMs: number;
    samples: number;
    maxSampleGapMs: number;
  };
  error?: string;
};

type Download = {
  status: number;
  headers: http.IncomingHttpHeaders;
  headersMs: number;
  firstByteMs: number;
  totalMs: number;
  wireBytes: number;
  csvBytes: number;
  newlines: number;
  head: string;
  tail: string;
};

/** GET with node:http (no client-side web streams in the way), decoding gzip/deflate/br/zstd as a browser would. */
function download(url: string, headers: Record<string, string>, timeoutMs: number): Promise<Download> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let headersMs = 0;
    let firstByteMs = 0;
    let wireBytes = 0;
    let csvBytes = 0;
    let newlines = 0;
    let head = Buffer.alloc(0);
    let tail = Buffer.alloc(0);
    const request = http.get(url, { headers, agent: false }, (response) => {
      headersMs = performance.now() - started;
      response.on("data", (chunk: Buffer) => {
        if (wireBytes === 0) firstByteMs = performance.now() - started;
        wireBytes += chunk.length;
      });
      const encoding = String(response.headers["content-encoding"] ?? "identity").toLowerCase();
      const zstd = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
      let body: Readable = response;
      if (encoding === "gzip") body = response.pipe(zlib.createGunzip());
      else if (encoding === "deflate") body = response.pipe(zlib.createInflate());
      else if (encoding === "br") body = response.pipe(zlib.createBrotliDecompress());
      else if (encoding === "zstd" && zstd) body = response.pipe(zstd()) as unknown as Readable;
      else if (encoding !== "identity") {
        request.destroy(new Error(`cannot decode content-encoding ${encoding}`));
        return;
      }
      body.on("data", (chunk: Buffer) => {
        if (head.length < 256) head = Buffer.concat([head, chunk.subarray(0, 256)]);
        tail = Buffer.concat([tail, chunk.subarray(Math.max(0, chunk.length - 2))]).subarray(-2);
        csvBytes += chunk.length;
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) newlines += 1;
      });
      body.on("error", reject);
      response.on("error", reject);
      body.on("end", () => {
        clearTimeout(timer);
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          headersMs,
          firstByteMs,
          totalMs: performance.now() - started,
          wireBytes,
          csvBytes,
          newlines,
          head: head.toString("utf8"),
          tail: tail.toString("latin1"),
        });
      });
    });
    const timer = setTimeout(() => request.destroy(new Error(`no complete answer within ${timeoutMs / 1000} s`)), timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The audit row of the newest export (read-only connection beside the server). */
function lastExportAudit(databasePath: string): { id: number; rowCount: number | null } | null {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare("SELECT id, row_count AS rowCount FROM audit_log WHERE action = 'export.signaturesCsv' ORDER BY id DESC LIMIT 1")
      .get() as { id: number; rowCount: number | null } | undefined;
    return row ?? null;
  } finally {
    db.close();
  }
}

async function measureExport(
  server: RunningServer,
  cookie: string,
  verified: number,
  run: number,
  acceptEncoding: string,
): Promise<ExportRun> {
  const trace = new RssTrace(server.pid, 50).start();
  await sleep(300); // a few samples of the idle server
  const idle = trace.window(0, trace.elapsedMs());
  const beforeKb = trace.samples.at(-1)?.kb ?? idle.peakKb;
  const auditBefore = lastExportAudit(server.databasePath);
  const loadAverage1m = round(os.loadavg()[0] ?? 0, 2);
  const from = trace.elapsedMs();
  let result: Download | undefined;
  let error: string | undefined;
  try {
    result = await download(
      `${server.baseUrl}${EXPORT_PATH}`,
      { cookie, "accept-language": "en", "accept-encoding": acceptEncoding, accept: "text/csv,*/*" },
      180_000,
    );
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  }
  const to = trace.elapsedMs();
  await sleep(1000);
  const afterKb = trace.sample();
  trace.stop();
  const during = trace.window(from, to);
  const peakKb = Math.max(during.peakKb, beforeKb);
  const auditAfter = lastExportAudit(server.databasePath);
  const audit = auditAfter && auditAfter.id !== auditBefore?.id ? auditAfter : null;
  const rows = result ? result.newlines - 1 : 0;
  const totalMs = result?.totalMs ?? to - from;
  return {
    run,
    loadAverage1m,
    acceptEncoding,
    status: result?.status ?? 0,
    contentType: String(result?.headers["content-type"] ?? ""),
    contentEncoding: String(result?.headers["content-encoding"] ?? "identity"),
    headersMs: round(result?.headersMs ?? 0),
    firstByteMs: round(result?.firstByteMs ?? 0),
    totalMs: round(totalMs, 0),
    wireBytes: result?.wireBytes ?? 0,
    csvBytes: result?.csvBytes ?? 0,
    csvMB: round((result?.csvBytes ?? 0) / 1024 ** 2),
    rows,
    rowsPerSec: Math.round(rows / (totalMs / 1000)),
    rowsMatchVerified: rows === verified,
    startsWithBomAndHeader: result?.head.startsWith(`\uFEFF${CSV_HEADER}\r\n`) ?? false,
    endsWithCrlf: result?.tail === "\r\n",
    auditRowCount: audit?.rowCount ?? null,
    rss: {
      beforeMB: toMb(beforeKb),
      peakMB: toMb(peakKb),
      afterMB: toMb(afterKb),
      growthMB: toMb(peakKb - beforeKb),
      peakAtMs: round(during.peakAtMs, 0),
      samples: during.samples,
      maxSampleGapMs: during.maxGapMs,
    },
    ...(error ? { error } : {}),
  };
}

// ---------------------------------------------------------------------------
// The section

export type ExportBenchReport = Awaited<ReturnType<typeof runExportBench>>;

export async function runExportBench(options: ExportBenchOptions) {
  const { appDir, rows, log } = options;
  const loadAverageAtStart = os.loadavg().map((value) => round(value, 2));
  const startedAt = new Date();
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-bench-export-"));
  // startServer() always uses <tmpDir>/bench.db: seed exactly that file.
  const databasePath = path.join(tmpDir, "bench.db");
  let server: RunningServer | undefined;
  const removeAbort = options.onAbort(() => {
    if (server) {
      try {
        process.kill(-server.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  const start = async (label: string) => {
    server = await startServer({ appDir, tmpDir });
    const startupMs = await waitForHealthy(server, 120_000);
    log(`${label}: healthy at ${server.baseUrl} after ${startupMs} ms`);
    return { running: server, startupMs };
  };
  const stop = async () => {
    if (server) await stopServer(server);
    server = undefined;
  };

  try {
    // 1. Schema by the project's own code (db/migrate.ts reads db/migrations from the working directory).
    if (path.resolve(process.cwd()) !== path.resolve(appDir)) process.chdir(appDir);
    openDatabase(`file:${databasePath}`).$client.close();
    const adminEmail = "bench-admin@organizers.example";
    const adminPassword = randomBytes(18).toString("base64url");
    const cliStarted = performance.now();
    const cliOutput = await createAdmin(appDir, databasePath, adminEmail, adminPassword);
    const cliMs = Math.round(performance.now() - cliStarted);
    log(`organizer: ${cliOutput} (${cliMs} ms)`);

    // 2. Baseline: the same requests on the empty database.
    const baselineServer = await start("empty database");
    const baselineLogin = await signIn(baselineServer.running.baseUrl, adminEmail, adminPassword);
    const emptyDashboard = await sequentialGets(baselineServer.running.baseUrl, "/admin", baselineLogin.cookie);
    const emptyStats = await sequentialGets(baselineServer.running.baseUrl, "/api/v1/stats", undefined);
    log(`empty: /admin p50 ${emptyDashboard.summary.p50Ms} ms, /api/v1/stats p50 ${emptyStats.summary.p50Ms} ms`);
    await stop();

    // 3. Seeding, server stopped.
    const loadAverageAtSeed = os.loadavg().map((value) => round(value, 2));
    log(`seeding ${rows.toLocaleString("en")} signatures into ${databasePath}`);
    const db = openDatabase(`file:${databasePath}`);
    let seed: SeedResult;
    try {
      const admin = db.$client.prepare("SELECT id FROM users WHERE email = ?").get(adminEmail) as { id: number } | undefined;
      let lastLogged = 0;
      seed = await seedSignatures({
        sqlite: db.$client,
        appDir,
        rows,
        invalidatedBy: admin?.id ?? null,
        onProgress: (done) => {
          if (done - lastLogged >= 250_000 || done === rows) {
            lastLogged = done;
            log(`  ${done.toLocaleString("en")} rows`);
          }
        },
      });
    } finally {
      db.$client.close();
    }
    const verified = seed.statusCounts.verified ?? 0;
    log(
      `seeded in ${(seed.totalMs / 1000).toFixed(1)} s (insert ${(seed.insertMs / 1000).toFixed(1)} s, counters ${seed.countersMs} ms, ` +
        `checkpoint ${seed.checkpointMs} ms); ${verified.toLocaleString("en")} verified; database ${seed.databaseMB} MB`,
    );

    // 4. At 1M.
    const loadAverageAtMeasure = os.loadavg().map((value) => round(value, 2));
    const full = await start(`${rows.toLocaleString("en")} signatures`);
    const { running } = full;
    const rssAfterStartKb = readTreeRssKb(running.pid);
    const login = await signIn(running.baseUrl, adminEmail, adminPassword);
    const rssAfterSignInKb = readTreeRssKb(running.pid);
    log(`server RSS ${toMb(rssAfterStartKb)} MB after start, ${toMb(rssAfterSignInKb)} MB after sign-in`);

    // Exports first, on the freshly started server: run 1's RSS growth is then the real growth of
    // a server that has not exported (or rendered a 1M dashboard) yet.
    const exportRuns: ExportRun[] = [];
    for (let run = 1; run <= 3; run++) {
      log(`export run ${run} (accept-encoding: ${BROWSER_ACCEPT_ENCODING})`);
      const measured = await measureExport(running, login.cookie, verified, run, BROWSER_ACCEPT_ENCODING);
      exportRuns.push(measured);
      log(
        `  ${measured.status} ${measured.contentEncoding}: first byte ${measured.firstByteMs} ms, total ${measured.totalMs} ms, ` +
          `${measured.rows.toLocaleString("en")} rows, ${measured.csvMB} MB CSV (${round(measured.wireBytes / 1024 ** 2)} MB on the wire), ` +
          `RSS +${measured.rss.growthMB} MB${measured.error ? `, ERROR ${measured.error}` : ""}`,
      );
    }
    log("export run 4 (accept-encoding: identity: without Next's compression)");
    const identityRun = await measureExport(running, login.cookie, verified, 4, "identity");
    log(`  ${identityRun.status}: first byte ${identityRun.firstByteMs} ms, total ${identityRun.totalMs} ms, RSS +${identityRun.rss.growthMB} MB`);

    const dashboard = await sequentialGets(running.baseUrl, "/admin", login.cookie);
    const dashboardVerified = dashboardNumber(dashboard.lastBody, "verified");
    const stats = await sequentialGets(running.baseUrl, "/api/v1/stats", undefined);
    const statsTotal = (JSON.parse(stats.lastBody) as { total?: number }).total ?? null;
    log(`1M: /admin p50 ${dashboard.summary.p50Ms} / p95 ${dashboard.summary.p95Ms} ms, /api/v1/stats p50 ${stats.summary.p50Ms} ms`);

    let statsLoad: (LoadSummary & { path: string }) | null = null;
    if (options.statsLoad.durationSeconds > 0) {
      const { connections, durationSeconds, warmupSeconds } = options.statsLoad;
      if (warmupSeconds > 0) await runGet({ baseUrl: running.baseUrl, path: "/api/v1/stats", connections: 8, durationSeconds: warmupSeconds });
      log(`GET /api/v1/stats at 1M: ${connections} connections, ${durationSeconds} s`);
      statsLoad = { path: "/api/v1/stats", ...summarize(await runGet({ baseUrl: running.baseUrl, path: "/api/v1/stats", connections, durationSeconds })) };
    }
    await stop();

    // Figures over the three browser-like runs that completed correctly.
    const ok = exportRuns.filter((r) => !r.error && r.status === 200 && r.rowsMatchVerified);
    const figures = (pickValue: (r: ExportRun) => number) => {
      const values = ok.map(pickValue).sort((a, b) => a - b);
      return { best: values[0] ?? null, median: values[Math.floor((values.length - 1) / 2)] ?? null, worst: values.at(-1) ?? null };
    };
    const totalMs = figures((r) => r.totalMs);
    const firstByteMs = figures((r) => r.firstByteMs);
    const rssGrowthMB = figures((r) => r.rss.growthMB);
    const allOk = ok.length === exportRuns.length;
    const atMost = (value: number | null, limit: number) => allOk && value !== null && value <= limit;

    return {
      date: startedAt.toISOString(),
      loadAverageAtStart,
      loadAverageAtSeed,
      loadAverageAtMeasure,
      rows,
      organizer: { createdWith: "node --import tsx --conditions=react-server scripts/user.ts create --role admin --password-stdin", cliMs },
      seed,
      server: {
        startupMsEmpty: baselineServer.startupMs,
        startupMsSeeded: full.startupMs,
        signInMs: login.ms,
        rssAfterStartMB: toMb(rssAfterStartKb),
        rssAfterSignInMB: toMb(rssAfterSignInKb),
      },
      csv: {
        path: EXPORT_PATH,
        verified,
        runs: exportRuns,
        /** Over the three browser-like runs (run 4, without compression, is apart). */
        totalMs,
        firstByteMs,
        rssGrowthMB,
        allRunsCorrect: allOk,
        /** Highest server RSS seen in any export run, and how far above the just-started server that is. */
        peakRssMB: toMb(Math.max(...[...exportRuns, identityRun].map((r) => r.rss.peakMB * 1024))),
        peakOverStartMB: toMb(Math.max(...[...exportRuns, identityRun].map((r) => r.rss.peakMB * 1024)) - rssAfterStartKb),
        withoutCompression: identityRun,
      },
      dashboard: {
        empty: emptyDashboard.summary,
        seeded: dashboard.summary,
        verifiedShown: dashboardVerified,
        showsVerifiedCount: dashboardVerified === verified,
      },
      stats: {
        empty: emptyStats.summary,
        seeded: stats.summary,
        totalShown: statsTotal,
        showsVerifiedCount: statsTotal === verified,
        load: statsLoad,
      },
      // Time goals: best of three on a shared machine. RSS: the worst run (run 1, from a freshly
      // started server; later runs start from a heap that has already grown and understate it).
      goals: {
        exportTotalMs: { goal: `≤ ${EXPORT_GOALS.totalMs}`, basis: "best of 3", value: totalMs.best, met: atMost(totalMs.best, EXPORT_GOALS.totalMs) },
        exportFirstByteMs: {
          goal: `≤ ${EXPORT_GOALS.firstByteMs}`,
          basis: "best of 3",
          value: firstByteMs.best,
          met: atMost(firstByteMs.best, EXPORT_GOALS.firstByteMs),
        },
        exportRssGrowthMB: {
          goal: `≤ ${EXPORT_GOALS.rssGrowthMB}`,
          basis: "worst of 3",
          value: rssGrowthMB.worst,
          met: atMost(rssGrowthMB.worst, EXPORT_GOALS.rssGrowthMB),
        },
        dashboardMs: {
          goal: `< ${EXPORT_GOALS.dashboardMs}`,
          basis: "p95 of 20",
          value: dashboard.summary.p95Ms,
          met: dashboard.summary.p95Ms < EXPORT_GOALS.dashboardMs && dashboard.summary.statuses["200"] === dashboard.summary.requests,
        },
      },
    };
  } catch (error) {
    if (server) process.stderr.write(`--- server log (last lines) ---\n${tailOfFile(server.logPath)}\n`);
    throw error;
  } finally {
    await stop();
    fs.rmSync(tmpDir, { recursive: true, force: true });
    removeAbort();
  }
}

/** Lines for the human table (stderr). */
export function exportTableLines(report: ExportBenchReport): string[] {
  const header = ["export run", "load 1m", "encoding", "first byte ms", "total ms", "rows", "CSV MB", "wire MB", "RSS before→peak MB", "growth MB"];
  const rowsOut: string[][] = [header];
  for (const r of [...report.csv.runs, report.csv.withoutCompression]) {
    rowsOut.push([
      String(r.run),
      String(r.loadAverage1m),
      r.contentEncoding,
      String(r.firstByteMs),
      String(r.totalMs),
      `${r.rows}${r.rowsMatchVerified ? "" : " (≠ verified)"}`,
      String(r.csvMB),
      String(round(r.wireBytes / 1024 ** 2)),
      `${r.rss.beforeMB}→${r.rss.peakMB}`,
      String(r.rss.growthMB),
    ]);
  }
  const widths = header.map((_, column) => Math.max(...rowsOut.map((row) => (row[column] ?? "").length)));
  const lines = rowsOut.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  "));
  const g = report.goals;
  const mark = (met: boolean) => (met ? "met" : "MISSED");
  const d = report.dashboard;
  const s = report.stats;
  lines.push(
    "",
    `server RSS: ${report.server.rssAfterStartMB} MB after start, ${report.server.rssAfterSignInMB} MB after sign-in, peak ${report.csv.peakRssMB} MB during exports (+${report.csv.peakOverStartMB} MB over the started server)`,
    `seeding ${report.rows.toLocaleString("en")} rows: ${(report.seed.totalMs / 1000).toFixed(1)} s (insert ${(report.seed.insertMs / 1000).toFixed(1)} s, counters ${report.seed.countersMs} ms, checkpoint ${report.seed.checkpointMs} ms), counters = recount: ${report.seed.countersMatchRecount}`,
    `GET /admin        empty p50/p95/max ${d.empty.p50Ms}/${d.empty.p95Ms}/${d.empty.maxMs} ms; at ${report.rows.toLocaleString("en")}: ${d.seeded.p50Ms}/${d.seeded.p95Ms}/${d.seeded.maxMs} ms (shows verified = ${d.showsVerifiedCount})`,
    `GET /api/v1/stats empty p50/p95/max ${s.empty.p50Ms}/${s.empty.p95Ms}/${s.empty.maxMs} ms; at ${report.rows.toLocaleString("en")}: ${s.seeded.p50Ms}/${s.seeded.p95Ms}/${s.seeded.maxMs} ms` +
      (s.load ? `; load ${s.load.connections} conn: ${s.load.requestsPerSec} req/s, p50/p99 ${s.load.latencyP50Ms}/${s.load.latencyP99Ms} ms` : ""),
    `goals: export ≤ 5 s ${mark(g.exportTotalMs.met)} (best ${g.exportTotalMs.value} ms); first byte ≤ 200 ms ${mark(g.exportFirstByteMs.met)} (best ${g.exportFirstByteMs.value} ms); ` +
      `RSS growth ≤ 150 MB ${mark(g.exportRssGrowthMB.met)} (worst ${g.exportRssGrowthMB.value} MB); dashboard < 200 ms ${mark(g.dashboardMs.met)} (p95 ${g.dashboardMs.value} ms)`,
  );
  return lines;
}
