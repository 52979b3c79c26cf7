/**
 * `npm run bench:ab -- DIR_A DIR_B [ROUNDS]`: the sign load of `npm run bench`
 * (realistic domain mix, a new client address per request, 64 connections,
 * BENCH_DURATION seconds, default 10) against two production builds in turn,
 * A B A B …, each round followed by the bare NORMAL baseline, for a change on
 * the sign path measured before and after in one sitting. These machines are
 * noisy: compare the medians of the rounds and the ratios to the baseline
 * measured in the same round. Each run also reports the server's CPU µs per
 * accepted signature (main thread, other threads) and bytes written per
 * signature, from /proc: steadier than the rates. Prints JSON on stdout.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSignatureFactory, runSign, summarize, type LoadSummary } from "./lib/load";
import { readProcessCost, RssSampler, startServer, stopServer, waitForHealthy, withBaselineServer } from "./lib/server";

const log = (message: string) => process.stderr.write(`[ab] ${message}\n`);

type AppMeasure = LoadSummary & {
  rssPeakMB: number;
  /** CPU µs per accepted signature on the server's main thread, and on its other threads. */
  mainThreadUsPerSignature: number;
  otherThreadsUsPerSignature: number;
  /** Bytes the server had written to storage per accepted signature (WAL and checkpoints). */
  writeBytesPerSignature: number;
};

async function measureApp(appDir: string, durationSeconds: number, connections: number): Promise<AppMeasure> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-ab-"));
  const server = await startServer({ appDir, tmpDir });
  const rss = new RssSampler(server.pid);
  try {
    await waitForHealthy(server);
    const factory = createSignatureFactory();
    await runSign({ baseUrl: server.baseUrl, connections: 8, durationSeconds: 3, factory });
    rss.start();
    const before = readProcessCost(server.pid);
    const load = summarize(await runSign({ baseUrl: server.baseUrl, connections, durationSeconds, factory }));
    const after = readProcessCost(server.pid);
    rss.stop();
    const accepted = Math.max(load.statusCodes["202"] ?? 0, 1);
    const per = (from: number, to: number) => Math.round((to - from) / accepted);
    return {
      ...load,
      rssPeakMB: Math.round(rss.peakKb / 1024),
      mainThreadUsPerSignature: per(before.mainThreadUs, after.mainThreadUs),
      otherThreadsUsPerSignature: per(before.otherThreadsUs, after.otherThreadsUs),
      writeBytesPerSignature: per(before.writeBytes, after.writeBytes),
    };
  } finally {
    await stopServer(server);
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

async function measureBaseline(appDir: string, durationSeconds: number, connections: number): Promise<LoadSummary> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-ab-baseline-"));
  try {
    return await withBaselineServer({ appDir, tmpDir, synchronous: "NORMAL" }, async (baseUrl) =>
      summarize(await runSign({ baseUrl, connections, durationSeconds, factory: createSignatureFactory() })),
    );
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** 202s per second of the run: only accepted signatures count. */
const acceptedPerSec = (load: LoadSummary) => Math.round(((load.statusCodes["202"] ?? 0) / load.durationSeconds) * 10) / 10;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const [dirA, dirB, roundsArg] = process.argv.slice(2);
  if (!dirA || !dirB) throw new Error("usage: npm run bench:ab -- DIR_A DIR_B [ROUNDS]");
  const rounds = Number(roundsArg ?? 3);
  const durationSeconds = Number(process.env.BENCH_DURATION || 10);
  const connections = Number(process.env.BENCH_CONNECTIONS_POST || 64);
  const builds = { A: path.resolve(dirA), B: path.resolve(dirB) };
  for (const dir of Object.values(builds)) {
    if (!fs.existsSync(path.join(dir, "dist", "server.js"))) throw new Error(`${dir}: no production build (npm run build)`);
  }
  const results: {
    round: number;
    build: "A" | "B";
    acceptedPerSec: number;
    latencyP99Ms: number;
    non2xx: number;
    rssPeakMB: number;
    mainThreadUsPerSignature: number;
    otherThreadsUsPerSignature: number;
    writeBytesPerSignature: number;
    baselinePerSec: number;
    ratio: number;
  }[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    for (const build of ["A", "B"] as const) {
      log(`round ${round}, ${build}: ${builds[build]}`);
      const app = await measureApp(builds[build], durationSeconds, connections);
      const baseline = await measureBaseline(builds.B, durationSeconds, connections);
      results.push({
        round,
        build,
        acceptedPerSec: acceptedPerSec(app),
        latencyP99Ms: app.latencyP99Ms,
        non2xx: app.non2xx,
        rssPeakMB: app.rssPeakMB,
        mainThreadUsPerSignature: app.mainThreadUsPerSignature,
        otherThreadsUsPerSignature: app.otherThreadsUsPerSignature,
        writeBytesPerSignature: app.writeBytesPerSignature,
        baselinePerSec: acceptedPerSec(baseline),
        ratio: Math.round((acceptedPerSec(app) / acceptedPerSec(baseline)) * 1000) / 1000,
      });
      log(JSON.stringify(results.at(-1)));
    }
  }
  const summary = (build: "A" | "B") => {
    const mine = results.filter((row) => row.build === build);
    return {
      medianAcceptedPerSec: median(mine.map((row) => row.acceptedPerSec)),
      medianRatio: median(mine.map((row) => row.ratio)),
      medianMainThreadUsPerSignature: median(mine.map((row) => row.mainThreadUsPerSignature)),
      medianOtherThreadsUsPerSignature: median(mine.map((row) => row.otherThreadsUsPerSignature)),
      medianWriteBytesPerSignature: median(mine.map((row) => row.writeBytesPerSignature)),
    };
  };
  process.stdout.write(
    `${JSON.stringify({ date: new Date().toISOString(), machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}`, durationSeconds, connections, builds, rounds: results, A: summary("A"), B: summary("B") }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
