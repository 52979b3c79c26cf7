/**
 * CPU per signature, in-process, without the socket:
 *   npm run bench:sign-cpu                           this tree, one run
 *   npm run bench:sign-cpu -- DIR_A DIR_B [ROUNDS]   two trees (each with its node_modules), A B A B …
 *
 * The HTTP load (`npm run bench`) swings by ±40 % with this VM's
 * neighbours; process CPU time per signature swings far less, so this is
 * the measure to compare two versions of the sign path with. It calls the
 * API handler the fast path calls (`handleSignRequest`: JSON, the zod
 * schema, limits, the group-committed transaction, the fsync before the
 * answer) on a fresh file database migrated by production code, 64 requests
 * in flight at a time as the HTTP bench's 64 connections, each a new signer
 * from a new client address with the HTTP bench's mail-domain mix. One run
 * prints one JSON line: { signatures, accepted, cpuMicrosPerSignature,
 * wallMicrosPerSignature, databaseBytesPerSignature }; two trees print each
 * run and the means, and the rounds in which B used less CPU than A.
 * No build is needed: the tree's TypeScript runs through tsx.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSignatureFactory } from "./lib/load";

const COUNT = Number(process.env.BENCH_SIGN_CPU_COUNT) || 12_000;
const WARM_UP = Math.min(2_000, Math.floor(COUNT / 4));
const IN_FLIGHT = 64;

/** The tree whose sign path is measured: BENCH_APP_DIR (set by the two-tree mode), else this one. */
const APP_DIR = path.resolve(process.env.BENCH_APP_DIR || path.join(typeof __dirname === "string" ? __dirname : process.cwd(), ".."));

type ClientModule = typeof import("../db/client");

async function measure(): Promise<void> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-sign-cpu-"));
  Object.assign(process.env, {
    NODE_ENV: "production",
    DATABASE_URL: `file:${path.join(tmpDir, "sign-cpu.db")}`,
    APP_URL: "http://127.0.0.1:3000",
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    TRUST_PROXY: "1",
    BOT_CHECK: "off",
  });
  // Imported after the environment is set (the config is read once), from the tree measured.
  const { handleSignRequest } = (await import(path.join(APP_DIR, "server/api/handle-sign-request.ts"))) as typeof import("../server/api/handle-sign-request");
  const { getSubmittingClient } = (await import(path.join(APP_DIR, "server/security/client-ip.ts"))) as typeof import("../server/security/client-ip");
  const { getDb } = (await import(path.join(APP_DIR, "db/client.ts"))) as ClientModule;
  const factory = createSignatureFactory();
  const statuses = new Map<number, number>();

  async function sign(count: number): Promise<void> {
    let started = 0;
    const worker = async () => {
      while (started < count) {
        started += 1;
        const { body, forwardedFor } = factory.next();
        const answer = await handleSignRequest({
          contentType: "application/json",
          acceptLanguage: "en",
          readBody: async () => body,
          client: getSubmittingClient({ forwardedFor, peerAddress: "127.0.0.1" }),
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  }

  await sign(WARM_UP);
  statuses.clear();
  const bytesBefore = databaseBytes(getDb());
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  await sign(COUNT);
  const wallMicros = Number(process.hrtime.bigint() - wallBefore) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const bytesGrown = databaseBytes(getDb()) - bytesBefore;
  const accepted = statuses.get(202) ?? 0;
  console.log(
    JSON.stringify({
      signatures: COUNT,
      accepted,
      statuses: Object.fromEntries(statuses),
      cpuMicrosPerSignature: Math.round(((cpu.user + cpu.system) / COUNT) * 10) / 10,
      userMicrosPerSignature: Math.round((cpu.user / COUNT) * 10) / 10,
      wallMicrosPerSignature: Math.round((wallMicros / COUNT) * 10) / 10,
      databaseBytesPerSignature: Math.round(bytesGrown / COUNT),
    }),
  );
  fs.rmSync(tmpDir, { recursive: true, force: true });
  process.exit(accepted === COUNT ? 0 : 1);
}

/** The database's size in bytes (its pages, whether they sit in the main file or still in the WAL). */
function databaseBytes(db: ReturnType<ClientModule["getDb"]>): number {
  const connection = (db as unknown as { $client: import("better-sqlite3").Database }).$client;
  const pages = connection.pragma("page_count", { simple: true }) as number;
  return pages * (connection.pragma("page_size", { simple: true }) as number);
}

type RunResult = { cpuMicrosPerSignature: number; wallMicrosPerSignature: number; databaseBytesPerSignature: number; accepted: number; signatures: number };

/** Runs this script once with `dir` as the tree measured (its own tsconfig paths, so cwd is the tree). */
function runIn(dir: string): RunResult {
  const result = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", __filename], {
    cwd: dir,
    env: { ...process.env, BENCH_APP_DIR: dir },
    encoding: "utf8",
  });
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  if (result.status !== 0) throw new Error(`sign-cpu in ${dir} failed (${result.status}): ${result.stderr.slice(-2000)}${line}`);
  return JSON.parse(line) as RunResult;
}

function compareTrees(dirA: string, dirB: string, rounds: number): void {
  const runs: { round: number; tree: "A" | "B"; result: RunResult }[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    for (const [tree, dir] of [["A", dirA], ["B", dirB]] as const) {
      const result = runIn(path.resolve(dir));
      runs.push({ round, tree, result });
      process.stderr.write(`[sign-cpu] round ${round} ${tree}: ${result.cpuMicrosPerSignature} µs CPU, ${result.wallMicrosPerSignature} µs wall\n`);
    }
  }
  const of = (tree: "A" | "B") => runs.filter((run) => run.tree === tree).map((run) => run.result);
  const mean = (values: number[]) => Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 10) / 10;
  const summary = (tree: "A" | "B") => ({
    dir: path.resolve(tree === "A" ? dirA : dirB),
    meanCpuMicrosPerSignature: mean(of(tree).map((result) => result.cpuMicrosPerSignature)),
    meanWallMicrosPerSignature: mean(of(tree).map((result) => result.wallMicrosPerSignature)),
    databaseBytesPerSignature: mean(of(tree).map((result) => result.databaseBytesPerSignature)),
  });
  const roundsBCheaper = Array.from({ length: rounds }, (_, index) => of("B")[index]!.cpuMicrosPerSignature < of("A")[index]!.cpuMicrosPerSignature).filter(Boolean).length;
  console.log(JSON.stringify({ rounds, A: summary("A"), B: summary("B"), roundsBCheaper, runs }, null, 2));
}

const [dirA, dirB, roundsArg] = process.argv.slice(2);
const run = dirA && dirB ? async () => compareTrees(dirA, dirB, Number(roundsArg ?? 5)) : measure;
run().catch((error) => {
  console.error(error);
  process.exit(1);
});
