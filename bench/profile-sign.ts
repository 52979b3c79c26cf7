/**
 * `npm run bench:profile`: where the time of one signature goes (issue 16).
 * Starts the production server (dist/server.js; `npm run build` first) with
 * `--cpu-prof`, runs the sign load of `npm run bench` (realistic domain mix,
 * a new client address per request) for BENCH_DURATION seconds (default 10)
 * after a short warm-up, stops the server so V8 writes the profile, and
 * prints JSON: the main thread's CPU time split by what it was doing (our
 * code by file, SQLite, HTTP, JSON, crypto, GC, idle …) and per accepted
 * signature, plus the 40 heaviest functions by self time. The profile file
 * is kept in bench/out/ for a flame graph (open it in Chrome's DevTools or
 * speedscope).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import { createSignatureFactory, runSign, summarize } from "./lib/load";
import { startServer, stopServer, waitForHealthy } from "./lib/server";

const APP_DIR = path.resolve(__dirname, "..");
const log = (message: string) => process.stderr.write(`[profile] ${message}\n`);

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

/** What a stack frame belongs to, for the summary: our files by name, the rest by kind. */
export function categorize(frame: CallFrame): string {
  const { functionName, url } = frame;
  if (functionName === "(idle)") return "idle";
  if (functionName === "(garbage collector)") return "garbage collection";
  if (functionName === "(program)") return "V8 and native (program)";
  if (/better-sqlite3|\bdatabase\.js|statement|\bprepare\b/.test(url) || /^(run|get|all|iterate|exec|pragma)$/.test(functionName) && url === "") return "SQLite (native calls)";
  if (url.startsWith("node:internal/crypto") || url.startsWith("node:crypto")) return "crypto";
  if (url.startsWith("node:_http") || url.startsWith("node:http") || url.startsWith("node:net") || url.startsWith("node:internal/stream") || url.startsWith("node:stream")) return "HTTP and sockets";
  if (functionName === "parse" && url === "") return "JSON.parse";
  if (functionName === "stringify" && url === "") return "JSON.stringify";
  const ours = /(server|db|lib|scripts)\/[\w/.-]+\.ts/.exec(url);
  if (ours) return ours[0];
  if (url.includes("node_modules/")) return `library: ${/node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? "?"}`;
  if (url.startsWith("node:")) return `node: ${url.slice(5).split("/").slice(0, 2).join("/")}`;
  if (url.includes("dist/server.js")) return "dist/server.js (bundled, no source map)";
  return url ? "other JavaScript" : `native: ${functionName || "(anonymous)"}`;
}

/**
 * The sign path runs from dist/server.js, an esbuild bundle: frames in it
 * are mapped back to their TypeScript file through the bundle's source map.
 */
function createFrameMapper(bundleMap: TraceMap | undefined) {
  return (frame: CallFrame): CallFrame => {
    if (!bundleMap || !frame.url.endsWith("dist/server.js")) return frame;
    const original = originalPositionFor(bundleMap, { line: frame.lineNumber + 1, column: Math.max(frame.columnNumber, 0) });
    if (!original.source) return frame;
    return { ...frame, url: original.source.replace(/^(\.\.\/)+/, ""), lineNumber: (original.line ?? 1) - 1 };
  };
}

/**
 * Self time per profile node over the last `windowUs` of the profile: the
 * server is stopped right after the load, so that window is the load, not
 * the start-up (module loading, Next's preparation) or the warm-up.
 */
function selfTimeInWindow(profile: CpuProfile, windowUs: number): Map<number, number> {
  const times: number[] = [];
  let at = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((at += delta));
  const from = (times.at(-1) ?? at) - windowUs;
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    if ((times[index] ?? 0) < from) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index + 1] ?? 0));
  });
  return selfUs;
}

export function summarizeProfile(profile: CpuProfile, windowUs: number, bundleMap?: TraceMap) {
  const toSource = createFrameMapper(bundleMap);
  const byId = new Map(profile.nodes.map((node) => [node.id, { ...node, callFrame: toSource(node.callFrame) }]));
  const selfUs = selfTimeInWindow(profile, windowUs);
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    totalUs += us;
    const category = categorize(node.callFrame);
    categories.set(category, (categories.get(category) ?? 0) + us);
    const name = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.replace(/^.*?\/(server|db|lib|node_modules)\//, "$1/")}:${node.callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  return { totalUs, categories, functions };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(APP_DIR, ".next", "BUILD_ID")) || !fs.existsSync(path.join(APP_DIR, "dist", "server.js"))) {
    log("no production build: run `npm run build` first");
    process.exitCode = 2;
    return;
  }
  const durationSeconds = Number(process.env.BENCH_DURATION || 10);
  const connections = Number(process.env.BENCH_CONNECTIONS_POST || 64);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-profile-"));
  const profileDir = path.join(tmpDir, "prof");
  const server = await startServer({ appDir: APP_DIR, tmpDir, nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "--cpu-prof-interval=250"] });
  try {
    await waitForHealthy(server);
    const factory = createSignatureFactory();
    log("warm-up, 3 s");
    await runSign({ baseUrl: server.baseUrl, connections: 8, durationSeconds: 3, factory });
    log(`sign load: ${connections} connections, ${durationSeconds} s`);
    const result = await runSign({ baseUrl: server.baseUrl, connections, durationSeconds, factory });
    const load = summarize(result);
    const accepted = result.statusCodeStats["202"]?.count ?? 0;
    await stopServer(server, 20_000);
    const file = fs.readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"));
    if (!file) throw new Error("the server wrote no CPU profile");
    const outDir = path.join(APP_DIR, "bench", "out");
    fs.mkdirSync(outDir, { recursive: true });
    const kept = path.join(outDir, `sign-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
    fs.copyFileSync(path.join(profileDir, file), kept);
    const profile = JSON.parse(fs.readFileSync(kept, "utf8")) as CpuProfile;
    const mapFile = path.join(APP_DIR, "dist", "server.js.map");
    const bundleMap = fs.existsSync(mapFile) ? new TraceMap(fs.readFileSync(mapFile, "utf8")) : undefined;
    const { totalUs, categories, functions } = summarizeProfile(profile, load.durationSeconds * 1_000_000, bundleMap);
    const busyUs = totalUs - (categories.get("idle") ?? 0);
    const perSignature = (us: number) => Math.round((us / Math.max(accepted, 1)) * 10) / 10;
    const sorted = (map: Map<string, number>, limit: number) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([name, us]) => ({ name, ms: Math.round(us / 1000), shareOfBusy: Math.round((us / busyUs) * 1000) / 10, usPerSignature: perSignature(us) }));
    process.stdout.write(
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          loadAverageAtEnd: os.loadavg().map((value) => Math.round(value * 100) / 100),
          load: { ...load, accepted202: accepted, acceptedPerSec: Math.round(accepted / load.durationSeconds) },
          profile: kept,
          note: "main thread only (the WAL fsync of group commits and the checkpoints run on other threads); samples of the load's last BENCH_DURATION seconds before the server stopped, so start-up and warm-up are left out",
          busyMs: Math.round(busyUs / 1000),
          busyUsPerSignature: perSignature(busyUs),
          byWhat: sorted(categories, 40),
          heaviestFunctions: sorted(functions, 40),
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

if (require.main === module) {
  main().catch((error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
