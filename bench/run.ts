/**
 * `npm run bench`: load and page-weight figures for the public site, measured
 * against the existing production build (`npm run build` first; this builds
 * nothing). Starts `npm start`'s server (dist/server.js) on a free loopback port with a throwaway
 * database, runs bounded autocannon loads, prints one JSON object on stdout
 * and a short table on stderr, then stops the server and deletes its files.
 *
 * Three sections, all run by default:
 *   public  the public site under load (letter page, sign API, confirmation
 *           flows, stats, the bare baseline), page weight (this file)
 *   export  1,000,000 signatures seeded, exported as CSV through the server,
 *           the organizer dashboard at that size (bench/lib/export-bench.ts)
 *   pow     the sign form's proof of work solved in Chromium with its CPU
 *           slowed 1×, 4×, 6× and 10× (a phone's stand-in, bench/lib/pow-bench.ts)
 *   fanout  one update mailed to 100,000 subscribers into a loopback SMTP
 *           server, unthrottled, with sign intake measured alone and during
 *           the fan-out (bench/lib/fanout-bench.ts; not run by default:
 *           BENCH_ONLY=fanout)
 *
 * Environment (all optional):
 *   BENCH_ONLY             run only these sections (comma-separated: public, export)
 *   BENCH_SKIP             leave these sections out (comma-separated)
 *   BENCH_DURATION         seconds per measured run (default 10)
 *   BENCH_WARMUP           seconds of warm-up per endpoint (default 3)
 *   BENCH_CONNECTIONS_GET  connections for the GET runs (default 32)
 *   BENCH_CONNECTIONS_POST connections for POST /api/v1/signatures (default 64)
 *   BENCH_EXPORT_ROWS      signatures seeded by the export section (default 1000000)
 *   BENCH_POW_SOLVES       proofs of work solved per CPU slowdown (default 20)
 *   BENCH_FANOUT_RECIPIENTS subscribers the fan-out section mails (default 100000)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { readConfirmTokens, runConfirmFlows, type ConfirmLoadSummary } from "./lib/confirm-load";
import { exportTableLines, runExportBench, type ExportBenchReport } from "./lib/export-bench";
import { fanoutTableLines, runFanoutBench, type FanoutBenchReport } from "./lib/fanout-bench";
import { createSignatureFactory, runGet, runSign, summarize, type LoadSummary } from "./lib/load";
import { checkLetterText, checkSignForm, measurePage, type PageWeight } from "./lib/page-weight";
import { runPowBench, type PowBenchReport } from "./lib/pow-bench";
import { killServerNow, RssSampler, startServer, stopServer, tailOfFile, waitForHealthy, withBaselineServer, type RunningServer } from "./lib/server";

/** A page with no client components of its own: its JavaScript is Next.js's floor. */
const FLOOR_PATH = "/en/privacy";

// bench/ sits in the app's root; under ESM (no __dirname) fall back to npm's working directory.
const APP_DIR = typeof __dirname === "string" ? path.resolve(__dirname, "..") : process.cwd();
/** Project goal: the letter page's own JavaScript, above Next's floor, under 30 kB gzipped. */
const LETTER_JS_BUDGET_GZIP = 30 * 1024;

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const toMb = (kb: number) => Math.round((kb / 1024) * 10) / 10;

/** Rows in a table (those matching `where`, when given), read through a separate read-only connection (WAL lets it read beside the server). */
function countRows(databasePath: string, table: "signatures" | "mail_outbox", where = "1"): number {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number } | undefined;
    return row?.n ?? 0;
  } finally {
    db.close();
  }
}

const countVerified = (databasePath: string) => countRows(databasePath, "signatures", "status = 'verified'");

/** Signers confirming at once in the confirmation run. */
const CONFIRM_CONCURRENCY = 32;

/** Waits until the row count stops moving (requests cut off mid-flight may still commit). */
async function settledRowCount(databasePath: string): Promise<number> {
  let previous = countRows(databasePath, "signatures");
  for (let i = 0; i < 20; i++) {
    await sleep(250);
    const current = countRows(databasePath, "signatures");
    if (current === previous) return current;
    previous = current;
  }
  return previous;
}

function pageSummary(page: PageWeight) {
  return {
    htmlBytes: page.htmlBytes,
    htmlGzip: page.htmlGzip,
    cssGzip: page.cssGzip,
    jsGzip: page.jsGzip,
    totalGzip: page.totalGzip,
    cssFiles: page.css.map(({ url, gzipBytes }) => ({ url, gzipBytes })),
    jsFiles: page.js.map(({ url, gzipBytes }) => ({ url, gzipBytes })),
    nomoduleJsGzip: page.nomoduleJs.reduce((total, asset) => total + asset.gzipBytes, 0),
    scriptsDeferred: page.scriptsDeferred,
  };
}

const SECTIONS = ["public", "export", "pow", "fanout"] as const;
type Section = (typeof SECTIONS)[number];
/** Sections run when neither BENCH_ONLY nor BENCH_SKIP names them (the fan-out takes minutes of its own). */
const DEFAULT_SECTIONS: readonly Section[] = ["public", "export", "pow"];

function sectionsFromEnv(): Section[] {
  const parse = (name: string): Section[] | undefined => {
    const raw = process.env[name]?.trim();
    if (!raw) return undefined;
    const names = raw.split(",").map((part) => part.trim()).filter(Boolean);
    for (const section of names) {
      if (!(SECTIONS as readonly string[]).includes(section)) {
        throw new Error(`${name}: unknown section ${JSON.stringify(section)} (sections: ${SECTIONS.join(", ")})`);
      }
    }
    return names as Section[];
  };
  const only = parse("BENCH_ONLY");
  const skip = parse("BENCH_SKIP") ?? [];
  const selected = SECTIONS.filter((section) => (only ? only.includes(section) : DEFAULT_SECTIONS.includes(section)) && !skip.includes(section));
  if (selected.length === 0) throw new Error("BENCH_ONLY / BENCH_SKIP leave no section to run");
  return selected;
}

type PublicOptions = {
  durationSeconds: number;
  warmupSeconds: number;
  getConnections: number;
  postConnections: number;
  buildIdPath: string;
  /** Registers a synchronous last-resort cleanup (signal, watchdog); returns its removal. */
  onAbort: (cleanup: () => void) => () => void;
};

/** The public section: letter page, sign API and stats under load, page weight. */
async function runPublicBench(options: PublicOptions) {
  const { durationSeconds, warmupSeconds, getConnections, postConnections, buildIdPath } = options;
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-bench-"));
  let server: RunningServer | undefined;
  let sampler: RssSampler | undefined;
  const removeAbort = options.onAbort(() => {
    sampler?.stop();
    if (server) killServerNow(server);
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  try {
    log(`starting dist/server.js (build ${fs.readFileSync(buildIdPath, "utf8").trim()}) in ${APP_DIR}`);
    server = await startServer({ appDir: APP_DIR, tmpDir });
    sampler = new RssSampler(server.pid);
    sampler.start();
    const startupMs = await waitForHealthy(server);
    const rssAfterStartKb = sampler.takeWindowPeakKb();
    log(`healthy at ${server.baseUrl} after ${startupMs} ms (RSS ${toMb(rssAfterStartKb)} MB)`);
    const { baseUrl, databasePath } = server;

    // Page weight first, on a quiet server.
    const letter = await measurePage(baseUrl, "/en");
    // The privacy notice has no client components of its own: its JS is Next's floor.
    // (/en/thanks was the floor until it gained the share buttons.)
    const thanks = await measurePage(baseUrl, FLOOR_PATH);
    const form = checkSignForm(letter.html);
    const letterText = checkLetterText(letter.html, APP_DIR, "en");
    const letterJsAboveFloorGzip = letter.jsGzip - thanks.jsGzip;

    const factory = createSignatureFactory();
    if (warmupSeconds > 0) {
      log(`warming up (${warmupSeconds} s per endpoint)`);
      await runGet({ baseUrl, path: "/en", connections: 8, durationSeconds: warmupSeconds });
      await runSign({ baseUrl, connections: 8, durationSeconds: warmupSeconds, factory });
      await runGet({ baseUrl, path: "/api/v1/stats", connections: 8, durationSeconds: warmupSeconds });
    }
    sampler.takeWindowPeakKb();

    log(`GET /en: ${getConnections} connections, ${durationSeconds} s`);
    const letterRun = summarize(await runGet({ baseUrl, path: "/en", connections: getConnections, durationSeconds }));
    const letterRss = sampler.takeWindowPeakKb();
    await sleep(1000);

    const rowsBefore = await settledRowCount(databasePath);
    const builtBefore = factory.count();
    log(`POST /api/v1/signatures: ${postConnections} connections, ${durationSeconds} s`);
    const signResult = await runSign({ baseUrl, connections: postConnections, durationSeconds, factory });
    const signRss = sampler.takeWindowPeakKb();
    const signRun = summarize(signResult);
    const rowsAfter = await settledRowCount(databasePath);
    const outboxRows = countRows(databasePath, "mail_outbox");
    const accepted = signResult.statusCodeStats["202"]?.count ?? 0;
    const rowsInserted = rowsAfter - rowsBefore;
    await sleep(1000);

    // Signers confirming the emails that load queued, as browsers without JavaScript do.
    // Ten times what a run has confirmed here (~500/s): sending all of a big load's emails first would take minutes.
    const confirmTokens = readConfirmTokens(databasePath, 10 * 500 * durationSeconds);
    const verifiedBefore = countVerified(databasePath);
    log(`confirmation flows (page, button, redirect): ${CONFIRM_CONCURRENCY} at once, ${durationSeconds} s, ${confirmTokens.length} tokens`);
    const confirmRun = await runConfirmFlows({ baseUrl, tokens: confirmTokens, concurrency: CONFIRM_CONCURRENCY, durationSeconds });
    const confirmRss = sampler.takeWindowPeakKb();
    const verifiedByRun = countVerified(databasePath) - verifiedBefore;
    await sleep(1000);

    log(`GET /api/v1/stats: ${getConnections} connections, ${durationSeconds} s`);
    const statsRun = summarize(await runGet({ baseUrl, path: "/api/v1/stats", connections: getConnections, durationSeconds }));
    const statsRss = sampler.takeWindowPeakKb();

    // The yardsticks (issue 16): a bare server with one INSERT per request, committed
    // with synchronous=NORMAL (the baseline the goal is a third of) and with FULL.
    const runBaseline = async (synchronous: "NORMAL" | "FULL") => {
      await sleep(1000);
      log(`POST (bare node:http + SQLite baseline, synchronous=${synchronous}): ${postConnections} connections, ${durationSeconds} s`);
      const run = await withBaselineServer({ appDir: APP_DIR, tmpDir, synchronous }, async (baselineUrl) =>
        summarize(await runSign({ baseUrl: baselineUrl, connections: postConnections, durationSeconds, factory: createSignatureFactory() })),
      );
      return { ...run, acceptedPerSec: Math.round(((run.statusCodes["202"] ?? 0) / run.durationSeconds) * 10) / 10 };
    };
    const baselineRun = await runBaseline("NORMAL");
    const baselineFullRun = await runBaseline("FULL");
    const baselineAcceptedPerSec = baselineRun.acceptedPerSec;

    const withRss = (run: LoadSummary, kb: number) => ({ ...run, serverRssPeakMB: toMb(kb) });
    const acceptedPerSec = Math.round((accepted / signRun.durationSeconds) * 10) / 10;
    return {
      durationSeconds,
      warmupSeconds,
      server: { startupMs, rssAfterStartMB: toMb(rssAfterStartKb) },
      letterPage: { path: "/en", ...withRss(letterRun, letterRss) },
      signApi: {
        path: "/api/v1/signatures",
        ...withRss(signRun, signRss),
        accepted202: accepted,
        acceptedPerSec,
        load: "a new signature per request, addresses at a realistic mix of mail domains (bench/lib/email-domains.ts: 60% big providers, 25% mid-size national providers, 10% universities, 5% companies), each request from a new client address",
        baseline: { what: "bare node:http + SQLite (WAL, synchronous=NORMAL, unique email index), one INSERT per request", ...baselineRun },
        baselineFull: { what: "the same bare server with synchronous=FULL (an fsync per request)", ...baselineFullRun },
        ratioToBaseline: baselineAcceptedPerSec > 0 ? Math.round((acceptedPerSec / baselineAcceptedPerSec) * 100) / 100 : null,
        requestBodiesBuilt: factory.count() - builtBefore,
        dbRowsInserted: rowsInserted,
        /** Rows written minus 202s seen: > 0 when requests cut off at the end still committed; < 0 would be a lost signature. */
        dbRowsMinusAccepted: rowsInserted - accepted,
        everyAcceptedPersisted: rowsInserted >= accepted,
        dbRowsTotal: rowsAfter,
        outboxQueuedTotal: outboxRows,
      },
      confirmations: {
        flow: "GET /en/confirm?token=…, POST its form to /api/v1/confirmations, GET /en/confirmed",
        ...confirmRun,
        serverRssPeakMB: toMb(confirmRss),
        signaturesVerified: verifiedByRun,
        everyConfirmationPersisted: verifiedByRun >= confirmRun.confirmed,
      },
      stats: { path: "/api/v1/stats", ...withRss(statsRun, statsRss) },
      pageWeight: {
        gzipLevel: 9,
        letter: { path: "/en", ...pageSummary(letter) },
        thanks: { path: FLOOR_PATH, ...pageSummary(thanks) },
        letterJsAboveFloorGzip,
        letterJsAboveFloorBudgetGzip: LETTER_JS_BUDGET_GZIP,
        letterJsWithinBudget: letterJsAboveFloorGzip < LETTER_JS_BUDGET_GZIP,
        htmlHasForm: form.ok,
        formMissing: form.missing,
        htmlHasLetter: letterText.ok,
        letterParagraphsInHtml: `${letterText.found}/${letterText.total}`,
        scriptsDeferred: letter.scriptsDeferred,
        blockingScripts: letter.blockingScripts,
      },
      serverRssPeakMB: toMb(sampler.peakKb),
    };
  } catch (error) {
    if (server) process.stderr.write(`--- server log (last lines) ---\n${tailOfFile(server.logPath)}\n`);
    throw error;
  } finally {
    sampler?.stop();
    if (server) await stopServer(server);
    server = undefined; // its process group id may be reused: never signal it again
    fs.rmSync(tmpDir, { recursive: true, force: true });
    removeAbort();
  }
}

/** The pow section: a server of its own (BOT_CHECK does not matter: the challenge endpoint always answers). */
async function runPowSection(options: { solves: number; onAbort: PublicOptions["onAbort"] }): Promise<PowBenchReport> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-bench-pow-"));
  let server: RunningServer | undefined;
  const removeAbort = options.onAbort(() => {
    if (server) killServerNow(server);
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });
  try {
    server = await startServer({ appDir: APP_DIR, tmpDir });
    await waitForHealthy(server);
    return await runPowBench({ appDir: APP_DIR, baseUrl: server.baseUrl, solves: options.solves, rates: [1, 4, 6, 10], log });
  } finally {
    if (server) await stopServer(server);
    server = undefined;
    fs.rmSync(tmpDir, { recursive: true, force: true });
    removeAbort();
  }
}

async function main(): Promise<void> {
  const buildIdPath = path.join(APP_DIR, ".next", "BUILD_ID");
  if (!fs.existsSync(buildIdPath)) {
    process.stderr.write(
      `[bench] No production build: ${path.relative(process.cwd(), buildIdPath) || buildIdPath} is missing.\n` +
        "[bench] Run `npm run build` first (the bench measures the existing build and builds nothing).\n",
    );
    process.exitCode = 2;
    return;
  }
  let settings;
  try {
    settings = {
      sections: sectionsFromEnv(),
      durationSeconds: intFromEnv("BENCH_DURATION", 10, 1, 600),
      warmupSeconds: intFromEnv("BENCH_WARMUP", 3, 0, 120),
      getConnections: intFromEnv("BENCH_CONNECTIONS_GET", 32, 1, 1024),
      postConnections: intFromEnv("BENCH_CONNECTIONS_POST", 64, 1, 1024),
      exportRows: intFromEnv("BENCH_EXPORT_ROWS", 1_000_000, 1_000, 10_000_000),
      powSolves: intFromEnv("BENCH_POW_SOLVES", 20, 1, 1000),
      fanoutRecipients: intFromEnv("BENCH_FANOUT_RECIPIENTS", 100_000, 1_000, 10_000_000),
    };
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
    return;
  }
  const { sections, durationSeconds, warmupSeconds, getConnections, postConnections, exportRows, powSolves, fanoutRecipients } = settings;

  const startedAt = new Date();
  // Other work on the machine skews every number: record how busy it was.
  const loadAverageAtStart = os.loadavg().map((value) => Math.round(value * 100) / 100);

  // Whatever happens (error, Ctrl-C, watchdog), no server and no temp files stay behind.
  const aborts = new Set<() => void>();
  const onAbort = (cleanup: () => void) => {
    aborts.add(cleanup);
    return () => {
      aborts.delete(cleanup);
    };
  };
  const cleanupSync = () => {
    for (const cleanup of aborts) cleanup();
    aborts.clear();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    cleanupSync();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", cleanupSync);
  // Hard bound on the whole run. public: 3 warm-ups, 6 measured runs (with the two baselines and confirmations), start-up and page fetches.
  // export: seeding, two start-ups, four downloads (each bounded at 180 s), the stats run.
  const publicMs = (3 * warmupSeconds + 6 * durationSeconds + 180) * 1000;
  const exportMs = (900 + Math.ceil(exportRows / 1_000_000) * 300 + warmupSeconds + durationSeconds) * 1000;
  // pow: up to 10 s a solve at 10× slowdown, four slowdowns.
  const powMs = (60 + powSolves * 4 * 10) * 1000;
  // fanout: seeding, three sign runs and the drains of their emails, the mailing itself at ≥ 100 emails/s.
  const fanoutMs = (600 + 3 * (warmupSeconds + durationSeconds) + Math.ceil(fanoutRecipients / 100)) * 1000;
  const watchdogMs =
    (sections.includes("public") ? publicMs : 0) +
    (sections.includes("export") ? exportMs : 0) +
    (sections.includes("pow") ? powMs : 0) +
    (sections.includes("fanout") ? fanoutMs : 0);
  const watchdog = setTimeout(() => {
    log(`gave up after ${watchdogMs / 1000} s`);
    cleanupSync();
    process.exit(3);
  }, watchdogMs);

  try {
    log(`sections: ${sections.join(", ")}; build ${fs.readFileSync(buildIdPath, "utf8").trim()} in ${APP_DIR}`);
    const report: Record<string, unknown> = {
      date: startedAt.toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model.trim() ?? "unknown",
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        memoryGB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
        loadAverageAtStart,
      },
      sections,
    };
    let publicReport: TableInput | undefined;
    let exportReport: ExportBenchReport | undefined;
    let powReport: PowBenchReport | undefined;
    let fanoutReport: FanoutBenchReport | undefined;
    if (sections.includes("public")) {
      publicReport = await runPublicBench({ durationSeconds, warmupSeconds, getConnections, postConnections, buildIdPath, onAbort });
      Object.assign(report, publicReport);
    }
    if (sections.includes("export")) {
      exportReport = await runExportBench({
        appDir: APP_DIR,
        rows: exportRows,
        statsLoad: { connections: getConnections, durationSeconds, warmupSeconds },
        log,
        onAbort,
      });
      report.export = exportReport;
    }
    if (sections.includes("pow")) {
      powReport = await runPowSection({ solves: powSolves, onAbort });
      report.proofOfWork = powReport;
    }
    if (sections.includes("fanout")) {
      fanoutReport = await runFanoutBench({ appDir: APP_DIR, recipients: fanoutRecipients, durationSeconds, warmupSeconds, postConnections, log, onAbort });
      report.fanout = fanoutReport;
    }

    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (publicReport) printTable(publicReport);
    if (exportReport) process.stderr.write(`\n${exportTableLines(exportReport).join("\n")}\n`);
    if (powReport) {
      const lines = powReport.rates.map((rate) => `  ${rate.cpuSlowdown}× slower CPU: mean ${rate.meanMs} ms, p50 ${rate.p50Ms}, p90 ${rate.p90Ms}, max ${rate.maxMs}`);
      process.stderr.write(`\nproof of work in Chromium (${powReport.solvesPerRate} solves each; goal: about a second on a cheap phone):\n${lines.join("\n")}\n`);
    }
    if (fanoutReport) process.stderr.write(`\n${fanoutTableLines(fanoutReport).join("\n")}\n`);
  } catch (error) {
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
    cleanupSync();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", cleanupSync);
  }
}

type TableInput = {
  letterPage: LoadSummary;
  signApi: LoadSummary & {
    accepted202: number;
    acceptedPerSec: number;
    dbRowsInserted: number;
    baseline: LoadSummary & { acceptedPerSec: number };
    baselineFull: LoadSummary & { acceptedPerSec: number };
    ratioToBaseline: number | null;
    dbRowsMinusAccepted: number;
  };
  stats: LoadSummary;
  confirmations: ConfirmLoadSummary & { signaturesVerified: number };
  pageWeight: {
    letter: { htmlGzip: number; cssGzip: number; jsGzip: number };
    thanks: { htmlGzip: number; cssGzip: number; jsGzip: number };
    letterJsAboveFloorGzip: number;
    htmlHasForm: boolean;
    htmlHasLetter: boolean;
    scriptsDeferred: boolean;
  };
  serverRssPeakMB: number;
};

function printTable(report: TableInput): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  const header = ["run", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors"];
  const rows: string[][] = [header];
  const add = (name: string, run: LoadSummary, perSec = run.requestsPerSec) =>
    rows.push([name, String(perSec), String(run.latencyP50Ms), String(run.latencyP99Ms), String(run.non2xx), String(run.errors)]);
  add("GET /en", report.letterPage);
  add("POST /api/v1/signatures (202/s)", report.signApi, report.signApi.acceptedPerSec);
  add("GET /api/v1/stats", report.stats);
  add("POST baseline: bare node:http + SQLite, NORMAL (202/s)", report.signApi.baseline, report.signApi.baseline.acceptedPerSec);
  add("POST baseline: bare node:http + SQLite, FULL (202/s)", report.signApi.baselineFull, report.signApi.baselineFull.acceptedPerSec);
  const widths = header.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const lines = rows.map((row) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  "),
  );
  const pw = report.pageWeight;
  const confirmations = report.confirmations;
  lines.push(
    "",
    `signatures: ${report.signApi.accepted202} accepted (202), ${report.signApi.dbRowsInserted} rows written`,
    `confirmations (page + button + redirect, ${confirmations.concurrency} at once): ${confirmations.confirmedPerSec}/s, flow p50 ${confirmations.flowP50Ms} ms, p99 ${confirmations.flowP99Ms} ms, ${confirmations.failures} failures, ${confirmations.signaturesVerified} verified`,
    `/en gzip: HTML ${kb(pw.letter.htmlGzip)}, CSS ${kb(pw.letter.cssGzip)}, JS ${kb(pw.letter.jsGzip)}; ${FLOOR_PATH} JS ${kb(pw.thanks.jsGzip)}`,
    `letter JS above floor: ${kb(pw.letterJsAboveFloorGzip)} (goal < 30 kB); form in HTML: ${pw.htmlHasForm}; letter in HTML: ${pw.htmlHasLetter}; scripts deferred: ${pw.scriptsDeferred}`,
    `server RSS peak: ${report.serverRssPeakMB} MB`,
    "",
    "goals (issues 6 and 16, 2 cores; sign load: realistic domain mix, one-time client addresses):",
    `  sign ≥ 5,000/s: ${report.signApi.acceptedPerSec}/s ${report.signApi.acceptedPerSec >= 5000 ? "met" : "MISSED"}; p99 ≤ 50 ms: ${report.signApi.latencyP99Ms} ms ${report.signApi.latencyP99Ms <= 50 ? "met" : "MISSED"}; ≥ 1/3 of the NORMAL baseline: ${report.signApi.ratioToBaseline} ${(report.signApi.ratioToBaseline ?? 0) >= 1 / 3 ? "met" : "MISSED"}`,
    `  0 lost: ${report.signApi.dbRowsMinusAccepted >= 0 ? "met" : "MISSED"} (rows − 202s = ${report.signApi.dbRowsMinusAccepted}); 0 5xx: ${Object.keys(report.signApi.statusCodes).some((code) => code.startsWith("5")) ? "MISSED" : "met"}`,
    `  letter page ≥ 3,000 req/s: ${report.letterPage.requestsPerSec} ${report.letterPage.requestsPerSec >= 3000 ? "met" : "MISSED"}`,
    `  stats ≥ 10,000 req/s: ${report.stats.requestsPerSec} ${report.stats.requestsPerSec >= 10000 ? "met" : "MISSED"}`,
    `  server RSS ≤ 300 MB: ${report.serverRssPeakMB} MB ${report.serverRssPeakMB <= 300 ? "met" : "MISSED"}`,
  );
  process.stderr.write(`\n${lines.join("\n")}\n`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    // Idle keep-alive sockets must not hold the process open once the server is gone.
    setTimeout(() => process.exit(), 2_000).unref();
  });
