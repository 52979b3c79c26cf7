/**
 * `npm run bench:perf`: where a signature's time goes, seen by Linux `perf`
 * (issue 16). `npm run bench:profile` samples V8 only: it cannot see inside
 * SQLite or the kernel, and its own overhead inflates small JavaScript
 * functions. This starts the production server (`npm run build` first) with
 * `--perf-basic-prof-only-functions`, runs the sign load of `npm run bench`
 * (64 connections, realistic domain mix, a new client address per request),
 * records the server's threads with `perf record -g` for BENCH_PERF_SECONDS
 * (default 8) in the middle of it, and prints JSON: CPU µs per accepted
 * signature on the main thread split by part of the sign path (each sample
 * counted once, in the first part of the list below its stack matches),
 * and on all other threads. Needs `perf` (Debian: linux-perf) and
 * perf_event_paranoid ≤ 2; not part of `npm test`. BENCH_PERF_SCRIPT=file
 * keeps the samples (`perf script` text, leaf frame first) for a closer look.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSignatureFactory, runSign, summarize } from "./lib/load";
import { startServer, stopServer, waitForHealthy } from "./lib/server";

const APP_DIR = path.resolve(__dirname, "..");
const SECONDS = Number(process.env.BENCH_PERF_SECONDS) || 8;
const FREQUENCY = 2999;
const log = (message: string) => process.stderr.write(`[perf] ${message}\n`);

type Sample = { tid: string; frames: string[] };

/** Parts of the sign path by the frames of a stack (leaf first); the first that matches takes the sample. */
const PARTS: [string, (frames: string[]) => boolean][] = [
  ["SQLite COMMIT: WAL frames written", (f) => f.some((x) => x.includes("vdbeCommit") || x.includes("CommitPhase"))],
  ["SQLite statement journal (subjournalPageIfRequired)", (f) => f.some((x) => x.includes("subjournalPageIfRequired"))],
  ["WAL checkpoint on the main connection", (f) => f.some((x) => x.includes("walCheckpoint"))],
  ["rate limits (checkSignLimits)", (f) => f.some((x) => x.includes("checkSignLimits"))],
  // One part: V8 inlines enqueueEmail into recordSignature in some runs and not in others.
  ["signature, outbox row and daily cap, tokens, counter (recordSignature)", (f) => f.some((x) => x.includes("recordSignature") || x.includes("enqueueEmail"))],
  ["group commit (BEGIN, batch, settle)", (f) => f.some((x) => x.includes("commitQueued") || x.includes("syncWal"))],
  // Inlined JavaScript leaves no frame of its own: zod and the HMAC are also found by their callees.
  ["zod: the sign schema (parseSignLetter)", (f) => f.some((x) => x.includes("parseSignLetter") || x.includes("/zod/"))],
  ["client address and its keyed hash", (f) => f.some((x) => /getSubmittingClient|hashIpAddress|keyedHash|Hmac/.test(x))],
  ["handleSignRequest (JSON.parse, locale, answer)", (f) => f.some((x) => x.includes("handleSignRequest"))],
  ["writing the answer (headers, end, write syscalls)", (f) => f.some((x) => /node:_http_outgoing|clearBuffer|writev|Socket\._write|JS:\S*send /.test(x))],
  ["HTTP parsing and request objects (llhttp)", (f) => f.some((x) => x.includes("llhttp"))],
  ["socket reads and epoll", (f) => f.some((x) => x.includes("uv__read") || x.includes("epoll"))],
  ["promises and microtasks", (f) => f.some((x) => x.includes("RunMicrotasks"))],
  ["garbage collection", (f) => f.some((x) => /Scavenge|MarkCompact|Heap::/.test(x))],
  ["malloc and free", (f) => /malloc|free|unlink_chunk/.test(f[0] ?? "")],
];

function readSamples(perfData: string): Sample[] {
  const text = execFileSync("perf", ["script", "-i", perfData, "-F", "tid,ip,sym"], { maxBuffer: 1 << 30, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  if (process.env.BENCH_PERF_SCRIPT) fs.writeFileSync(process.env.BENCH_PERF_SCRIPT, text);
  const samples: Sample[] = [];
  let current: Sample | null = null;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      if (current) samples.push(current);
      current = null;
    } else if (/^\s*\d+\s*$/.test(line)) {
      // A sample starts with its thread id alone on a line (right-aligned); its frames follow, leaf first.
      current = { tid: line.trim(), frames: [] };
    } else if (current) {
      current.frames.push(line.trim().split(" ").slice(1).join(" "));
    }
  }
  if (current) samples.push(current);
  return samples;
}

async function main(): Promise<void> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-perf-"));
  const perfData = path.join(tmpDir, "perf.data");
  const server = await startServer({ appDir: APP_DIR, tmpDir, nodeFlags: ["--perf-basic-prof-only-functions"] });
  try {
    await waitForHealthy(server);
    const factory = createSignatureFactory();
    log("warm-up, 3 s");
    await runSign({ baseUrl: server.baseUrl, connections: 8, durationSeconds: 3, factory });
    log(`sign load: 64 connections, ${SECONDS + 4} s; perf records ${SECONDS} s of it`);
    const load = runSign({ baseUrl: server.baseUrl, connections: 64, durationSeconds: SECONDS + 4, factory });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const startCount = factory.count();
    const perf = spawn("perf", ["record", "-F", String(FREQUENCY), "-g", "-p", String(server.pid), "-o", perfData, "--", "sleep", String(SECONDS)], { stdio: "ignore" });
    const perfExit = await new Promise<number | null>((resolve) => perf.on("exit", resolve).on("error", () => resolve(-1)));
    const signedWhileRecording = factory.count() - startCount;
    const summary = summarize(await load);
    if (perfExit !== 0 || !fs.existsSync(perfData)) throw new Error("perf record failed (is perf installed, perf_event_paranoid ≤ 2?)");

    const samples = readSamples(perfData);
    const byThread = new Map<string, number>();
    for (const sample of samples) byThread.set(sample.tid, (byThread.get(sample.tid) ?? 0) + 1);
    const mainTid = String(server.pid);
    const mainSamples = samples.filter((sample) => sample.tid === mainTid);
    if (mainSamples.length === 0) throw new Error(`perf script gave no samples of the server's main thread (${samples.length} samples in all)`);
    const usPerSignature = (count: number) => Math.round(((count / FREQUENCY) * 1e6 * 10) / Math.max(signedWhileRecording, 1)) / 10;
    const parts = new Map<string, number>();
    for (const sample of mainSamples) {
      const part = PARTS.find(([, matches]) => matches(sample.frames))?.[0] ?? "everything else";
      parts.set(part, (parts.get(part) ?? 0) + 1);
    }
    process.stdout.write(
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}`,
          load: { ...summary, signedWhileRecording, recordedSeconds: SECONDS },
          note: "CPU µs per signature signed while perf recorded (requests sent by the load generator, nearly all answered 202); perf's own overhead is in the figures",
          mainThreadUsPerSignature: usPerSignature(mainSamples.length),
          otherThreadsUsPerSignature: usPerSignature(samples.length - mainSamples.length),
          mainThreadByPart: [...parts.entries()].sort((a, b) => b[1] - a[1]).map(([part, count]) => ({ part, usPerSignature: usPerSignature(count) })),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await stopServer(server);
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
