/**
 * CPU per signature, in-process, without the socket:
 *   npm run bench:sign-cpu            (or BENCH_SIGN_CPU_COUNT=20000 …)
 *
 * The HTTP load (`npm run bench`) swings by ±40 % with this VM's
 * neighbours; process CPU time per signature swings far less, so this is
 * the measure to compare two versions of the sign path with (run each a
 * few times, alternating). It calls the API handler the fast path calls
 * (`handleSignRequest`: JSON, the zod schema, limits, the group-committed
 * transaction, the fsync before the answer) on a fresh file database
 * migrated by production code, 64 requests in flight at a time as the
 * HTTP bench's 64 connections, each a new signer from a new client address
 * with the HTTP bench's mail-domain mix. Prints one JSON line:
 * { signatures, accepted, cpuMicrosPerSignature, wallMicrosPerSignature, databaseBytesPerSignature }.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSignatureFactory } from "./lib/load";

const COUNT = Number(process.env.BENCH_SIGN_CPU_COUNT) || 12_000;
const WARM_UP = Math.min(2_000, Math.floor(COUNT / 4));
const IN_FLIGHT = 64;

const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-sign-cpu-"));
Object.assign(process.env, {
  NODE_ENV: "production",
  DATABASE_URL: `file:${path.join(tmpDir, "sign-cpu.db")}`,
  APP_URL: "http://127.0.0.1:3000",
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  TRUST_PROXY: "1",
  BOT_CHECK: "off",
});

async function main(): Promise<void> {
  // Imported after the environment is set: the config is read once.
  const { handleSignRequest } = await import("../server/api/handle-sign-request");
  const { getSubmittingClient } = await import("../server/security/client-ip");
  const { getDb } = await import("../db/client");
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
function databaseBytes(db: ReturnType<typeof import("../db/client").getDb>): number {
  const connection = (db as unknown as { $client: import("better-sqlite3").Database }).$client;
  const pages = connection.pragma("page_count", { simple: true }) as number;
  return pages * (connection.pragma("page_size", { simple: true }) as number);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
