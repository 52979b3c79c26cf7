/**
 * The fan-out section (issue 15, decision 0022): one update mailed to
 * BENCH_FANOUT_RECIPIENTS (default 100,000) subscribed signers by the
 * production server, unthrottled (MAIL_RATE_PER_MINUTE=0), into a real SMTP
 * server on loopback (smtp-server in a child process: it reads every
 * message and discards it), with sign intake measured in the same run.
 *
 * 1. A fresh database migrated by db/client.ts; the subscribers (verified,
 *    wants_updates, three languages) and one published update with an
 *    English and a Russian text, inserted directly (server stopped).
 * 2. dist/server.js with SMTP_URL pointing at the sink; RSS sampled every
 *    200 ms from start to end.
 * 3. Warm-up, then the sign load alone (`runSign`, the public section's
 *    method: autocannon, new valid signatures, 64 connections): the
 *    baseline. Its confirmation emails go to the sink too; the run waits
 *    for the outbox to drain.
 * 4. The mailing is prepared and confirmed by the production domain
 *    functions in a child process (bench/lib/fanout-trigger.ts), as an
 *    organizer's two clicks would; the server's sender picks it up.
 * 5. Once it is under way: a window of the fan-out alone, then the same
 *    sign load during the fan-out; then until the mailing is done, and the
 *    sign load alone once more (the drop is measured against the mean of
 *    the runs before and after: the machine's load drifts).
 * 6. Emails/s overall (first to last mailing message at the sink), in each
 *    window, sign intake with and without the fan-out, peak RSS; the ledger
 *    must say sent for every recipient and the sink must hold that many
 *    mailing messages.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { openDatabase } from "../../db/client";
import { createSignatureFactory, runSign, summarize, type LoadSummary } from "./load";
import { RssSampler, startServer, stopServer, tailOfFile, waitForHealthy, killServerNow, type RunningServer } from "./server";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const toMb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

// The sink, in a child so it does not share the bench's event loop. It counts
// update emails (they carry List-Unsubscribe-Post) apart from the rest, with
// the time of the first and the last.
const SINK_SOURCE = `
const { SMTPServer } = require("smtp-server");
const counts = { mailing: 0, other: 0, firstMailingAt: 0, lastMailingAt: 0 };
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["AUTH", "STARTTLS"],
  logger: false,
  size: 1024 * 1024,
  onData(stream, _session, callback) {
    let head = "";
    stream.on("data", (chunk) => { if (head.length < 4096) head += chunk.toString("latin1"); });
    stream.on("end", () => {
      if (/\\r\\nList-Unsubscribe-Post:/i.test(head.split("\\r\\n\\r\\n")[0])) {
        const now = Date.now();
        counts.mailing += 1;
        counts.firstMailingAt ||= now;
        counts.lastMailingAt = now;
      } else counts.other += 1;
      callback();
    });
  },
});
server.on("error", () => undefined);
server.listen(0, "127.0.0.1", () => process.send({ port: server.server.address().port }));
process.on("message", () => process.send({ counts }));
`;

type SinkCounts = { mailing: number; other: number; firstMailingAt: number; lastMailingAt: number };

async function startSink(appDir: string): Promise<{ port: number; pid: number; counts: () => Promise<SinkCounts>; stop: () => void }> {
  const child: ChildProcess = spawn(process.execPath, ["-e", SINK_SOURCE], { cwd: appDir, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("message", (message: { port: number }) => resolve(message.port));
  });
  return {
    port,
    pid: child.pid ?? 0,
    counts: () =>
      new Promise((resolve) => {
        child.once("message", (reply: { counts: SinkCounts }) => resolve(reply.counts));
        child.send("counts");
      }),
    stop: () => child.kill(),
  };
}

/** Verified subscribers and one published update, inserted with one prepared statement per table. */
function seed(databasePath: string, recipients: number): { updateId: number; ms: number } {
  const started = performance.now();
  openDatabase(`file:${databasePath}`).$client.close();
  const db = new Database(databasePath);
  try {
    db.pragma("synchronous = OFF");
    const now = Date.now();
    const insert = db.prepare(
      "insert into signatures (email, email_key, name, country, locale, status, wants_updates, ref_code, consent_version, created_at, verified_at) values (?, ?, ?, ?, ?, 'verified', 1, ?, 'bench', ?, ?)",
    );
    const locales = ["ru", "en", "uk"];
    const countries = ["RU", "DE", "UA", "GE", "AM", "KZ"];
    db.transaction(() => {
      for (let i = 0; i < recipients; i += 1) {
        const email = `reader.${i}@example.org`;
        insert.run(email, email, `Reader ${i}`, countries[i % countries.length], locales[i % locales.length], `r${i.toString(36).padStart(9, "0")}`, now, now);
      }
    })();
    const body = ["The letter was handed to the **Bundestag** today.", "", "What happens next:", "", "- a hearing in January", "- a vote after that", "", "Thank you for signing."].join("\n");
    const ruBody = ["Сегодня письмо передано в **Бундестаг**.", "", "Что дальше:", "", "- слушания в январе", "- затем голосование", "", "Спасибо, что подписали."].join("\n");
    const { lastInsertRowid } = db
      .prepare("insert into updates (slug, kind, state, created_at, updated_at, published_at) values ('bench-fanout', 'delivery', 'published', ?, ?, ?)")
      .run(now, now, now);
    db.prepare("insert into update_texts (update_id, locale, title, body) values (?, 'en', 'The letter reached the Bundestag', ?)").run(lastInsertRowid, body);
    db.prepare("insert into update_texts (update_id, locale, title, body) values (?, 'ru', 'Письмо передано в Бундестаг', ?)").run(lastInsertRowid, ruBody);
    db.pragma("wal_checkpoint(TRUNCATE)");
    return { updateId: Number(lastInsertRowid), ms: Math.round(performance.now() - started) };
  } finally {
    db.close();
  }
}

function readOnly<T>(databasePath: string, read: (db: Database.Database) => T): T {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const queuedEmails = (databasePath: string) => readOnly(databasePath, (db) => (db.prepare("select count(*) as n from mail_outbox where status = 'queued'").get() as { n: number }).n);
const mailingState = (databasePath: string) =>
  readOnly(databasePath, (db) => (db.prepare("select state from mailings order by id desc limit 1").get() as { state: string } | undefined)?.state ?? "none");
const ledger = (databasePath: string) =>
  readOnly(databasePath, (db) =>
    Object.fromEntries((db.prepare("select state, count(*) as n from mailing_recipients group by state").all() as { state: string; n: number }[]).map((row) => [row.state, row.n])),
  ) as Record<string, number>;

export type FanoutBenchReport = {
  recipients: number;
  seedMs: number;
  prepareMs: number;
  emailsPerSec: { overall: number; alone: number; duringSignLoad: number };
  fanoutSeconds: number;
  /** dropPercent: during the fan-out against the mean of the runs before and after it. */
  signIntake: {
    alone: LoadSummary & { acceptedPerSec: number };
    duringFanout: LoadSummary & { acceptedPerSec: number };
    aloneAfter: LoadSummary & { acceptedPerSec: number };
    dropPercent: number;
  };
  serverRssPeakMB: number;
  sinkRssPeakMB: number;
  ledger: Record<string, number>;
  mailingMessagesAtSink: number;
  resentAfterCrash: number;
  goals: { emailsPerSec1000: boolean; signDropAtMost25Percent: boolean; rssUnder300MB: boolean; everyRecipientOnce: boolean };
};

export async function runFanoutBench(options: {
  appDir: string;
  recipients: number;
  durationSeconds: number;
  warmupSeconds: number;
  postConnections: number;
  log: (message: string) => void;
  onAbort: (cleanup: () => void) => () => void;
}): Promise<FanoutBenchReport> {
  const { appDir, recipients, durationSeconds, postConnections, log } = options;
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-bench-fanout-"));
  let server: RunningServer | undefined;
  let sink: Awaited<ReturnType<typeof startSink>> | undefined;
  let sampler: RssSampler | undefined;
  const removeAbort = options.onAbort(() => {
    sampler?.stop();
    if (server) killServerNow(server);
    sink?.stop();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });
  try {
    const databasePath = path.join(tmpDir, "bench.db");
    const seeded = seed(databasePath, recipients);
    log(`seeded ${recipients} subscribers in ${seeded.ms} ms`);
    sink = await startSink(appDir);
    const sinkSampler = new RssSampler(sink.pid);
    sinkSampler.start();
    server = await startServer({ appDir, tmpDir, env: { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAIL_RATE_PER_MINUTE: "0" } });
    sampler = new RssSampler(server.pid);
    sampler.start();
    await waitForHealthy(server);
    const { baseUrl } = server;

    const factory = createSignatureFactory();
    if (options.warmupSeconds > 0) await runSign({ baseUrl, connections: 8, durationSeconds: options.warmupSeconds, factory });
    const drain = async () => {
      for (let i = 0; i < 600 && queuedEmails(databasePath) > 0; i += 1) await sleep(500);
    };
    await drain();

    log(`sign intake alone: ${postConnections} connections, ${durationSeconds} s`);
    const aloneResult = await runSign({ baseUrl, connections: postConnections, durationSeconds, factory });
    const alone = summarize(aloneResult);
    const aloneAccepted = round((aloneResult.statusCodeStats["202"]?.count ?? 0) / alone.durationSeconds);
    log(`  ${aloneAccepted} signatures/s; draining their confirmation emails`);
    await drain();

    const trigger = JSON.parse(
      execFileSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/lib/fanout-trigger.ts", databasePath, String(seeded.updateId)], {
        cwd: appDir,
        encoding: "utf8",
        env: { ...process.env, NODE_ENV: "production" },
      }),
    ) as { mailingId: number; recipientCount: number; prepareMs: number };
    log(`mailing ${trigger.mailingId} prepared for ${trigger.recipientCount} in ${trigger.prepareMs} ms and confirmed`);

    // Under way: a window of the fan-out alone.
    for (let i = 0; i < 600 && (await sink.counts()).mailing < Math.min(5000, recipients / 10); i += 1) await sleep(100);
    const aloneStart = await sink.counts();
    const aloneAt = performance.now();
    await sleep(durationSeconds * 1000);
    const aloneEnd = await sink.counts();
    const fanoutAlone = round((aloneEnd.mailing - aloneStart.mailing) / ((performance.now() - aloneAt) / 1000));
    log(`fan-out alone: ${fanoutAlone} emails/s`);

    log(`sign intake during the fan-out: ${postConnections} connections, ${durationSeconds} s`);
    const duringStart = await sink.counts();
    const duringAt = performance.now();
    const duringResult = await runSign({ baseUrl, connections: postConnections, durationSeconds, factory });
    const duringEnd = await sink.counts();
    const fanoutDuring = round((duringEnd.mailing - duringStart.mailing) / ((performance.now() - duringAt) / 1000));
    const during = summarize(duringResult);
    const duringAccepted = round((duringResult.statusCodeStats["202"]?.count ?? 0) / during.durationSeconds);
    log(`  ${duringAccepted} signatures/s; fan-out meanwhile ${fanoutDuring} emails/s`);

    for (let i = 0; i < 3600 && mailingState(databasePath) !== "done"; i += 1) await sleep(250);
    // The last outcomes are written just after the sink has the messages.
    await sleep(500);
    const final = await sink.counts();
    await drain();
    // The machine's load drifts (it is shared): sign intake alone again, after the fan-out.
    log(`sign intake alone again, after the fan-out: ${postConnections} connections, ${durationSeconds} s`);
    const afterResult = await runSign({ baseUrl, connections: postConnections, durationSeconds, factory });
    const after = summarize(afterResult);
    const afterAccepted = round((afterResult.statusCodeStats["202"]?.count ?? 0) / after.durationSeconds);
    log(`  ${afterAccepted} signatures/s`);
    const fanoutSeconds = (final.lastMailingAt - final.firstMailingAt) / 1000;
    const overall = round(final.mailing / Math.max(fanoutSeconds, 0.001));
    const states = ledger(databasePath);
    const resentAfterCrash = readOnly(databasePath, (db) => (db.prepare("select resent_after_crash as n from mailings").get() as { n: number }).n);
    const serverRssPeakMB = toMb(sampler.peakKb);
    sinkSampler.stop();
    const withoutFanout = (aloneAccepted + afterAccepted) / 2;
    const dropPercent = withoutFanout > 0 ? round(((withoutFanout - duringAccepted) / withoutFanout) * 100) : 0;
    return {
      recipients,
      seedMs: seeded.ms,
      prepareMs: trigger.prepareMs,
      emailsPerSec: { overall, alone: fanoutAlone, duringSignLoad: fanoutDuring },
      fanoutSeconds: round(fanoutSeconds),
      signIntake: {
        alone: { ...alone, acceptedPerSec: aloneAccepted },
        duringFanout: { ...during, acceptedPerSec: duringAccepted },
        aloneAfter: { ...after, acceptedPerSec: afterAccepted },
        dropPercent,
      },
      serverRssPeakMB,
      sinkRssPeakMB: toMb(sinkSampler.peakKb),
      ledger: states,
      mailingMessagesAtSink: final.mailing,
      resentAfterCrash,
      goals: {
        emailsPerSec1000: overall >= 1000,
        signDropAtMost25Percent: dropPercent <= 25,
        rssUnder300MB: serverRssPeakMB < 300,
        everyRecipientOnce: states.sent === recipients && final.mailing === recipients,
      },
    };
  } catch (error) {
    if (server) process.stderr.write(`--- server log (last lines) ---\n${tailOfFile(server.logPath)}\n`);
    throw error;
  } finally {
    sampler?.stop();
    if (server) await stopServer(server);
    server = undefined;
    sink?.stop();
    fs.rmSync(tmpDir, { recursive: true, force: true });
    removeAbort();
  }
}

export function fanoutTableLines(report: FanoutBenchReport): string[] {
  const yes = (ok: boolean) => (ok ? "met" : "MISSED");
  return [
    `fan-out of one update to ${report.recipients} subscribers (throttle off, loopback SMTP sink):`,
    `  emails/s: ${report.emailsPerSec.overall} overall (${report.fanoutSeconds} s), ${report.emailsPerSec.alone} alone, ${report.emailsPerSec.duringSignLoad} during the sign load`,
    `  sign intake: ${report.signIntake.alone.acceptedPerSec}/s before and ${report.signIntake.aloneAfter.acceptedPerSec}/s after (p99 ${report.signIntake.alone.latencyP99Ms} / ${report.signIntake.aloneAfter.latencyP99Ms} ms), ${report.signIntake.duringFanout.acceptedPerSec}/s during the fan-out (p99 ${report.signIntake.duringFanout.latencyP99Ms} ms): ${report.signIntake.dropPercent} % drop`,
    `  prepare (ledger of ${report.recipients}): ${report.prepareMs} ms; ledger ${JSON.stringify(report.ledger)}; at the sink ${report.mailingMessagesAtSink}`,
    `  server RSS peak ${report.serverRssPeakMB} MB (sink ${report.sinkRssPeakMB} MB)`,
    `  goals: ≥ 1,000 emails/s ${yes(report.goals.emailsPerSec1000)}; sign drop ≤ 25 % ${yes(report.goals.signDropAtMost25Percent)}; RSS < 300 MB ${yes(report.goals.rssUnder300MB)}; every recipient once ${yes(report.goals.everyRecipientOnce)}`,
  ];
}
