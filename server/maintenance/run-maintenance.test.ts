import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type AppDatabase } from "@/db/client";
import { dailyHashKeys, maintenanceLeases, maintenanceRuns, rateLimits, signatures, signatureTokens } from "@/db/schema";
import { SYSTEM } from "@/server/auth/actor";
import { resetConfigForTesting } from "@/server/config";
import { DAY_MS, hashIpAddress } from "@/server/privacy/daily-hash-keys";
import { forbidRealClock } from "@/test/clock";
import { createTestDatabase, setUpTestDatabase } from "@/test/database";
import { deliverQueuedEmails, recordCheckedSignature } from "@/test/factories";
import { listMaintenanceRuns } from "./list-maintenance-runs";
import { MAINTENANCE_TASKS, runMaintenance, startMaintenanceScheduler } from "./run-maintenance";

const T0 = Date.parse("2026-11-01T12:00:00Z");
const ENV = ["UNCONFIRMED_RETENTION_DAYS", "BACKUP_DIR", "BACKUP_KEEP"] as const;

// Signatures here are stored as the sign path stores them past its rate
// limits (recordCheckedSignature): the limits' own rows would join the ones
// these tests put in and count.

function setEnv(values: Partial<Record<(typeof ENV)[number], string>>) {
  for (const name of ENV) delete process.env[name];
  Object.assign(process.env, values);
  resetConfigForTesting();
}

const tasksRun = (db: AppDatabase) => db.select({ task: maintenanceRuns.task, outcome: maintenanceRuns.outcome, trigger: maintenanceRuns.trigger }).from(maintenanceRuns).all();

describe("the server's own maintenance", () => {
  forbidRealClock();
  let db: AppDatabase;
  let filePath: string;
  let backupDir: string;
  setUpTestDatabase((opened) => ({ db, filePath } = opened), { file: true });
  beforeEach(() => {
    backupDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-backups-"));
    setEnv({});
  });
  afterEach(() => {
    fs.rmSync(backupDir, { recursive: true, force: true });
    setEnv({});
  });

  it("deletes unconfirmed signatures after UNCONFIRMED_RETENTION_DAYS (30 by default) without anyone running a command, and logs every task", async () => {
    await recordCheckedSignature(db, { email: "thirty-one-days@example.org", now: T0 });
    await recordCheckedSignature(db, { email: "twenty-nine-days@example.org", now: T0 + 2 * DAY_MS });
    const report = await runMaintenance({ trigger: "schedule", db, now: T0 + 31 * DAY_MS });
    expect(report.ran).toBe(true);
    expect(db.select({ email: signatures.email }).from(signatures).all()).toEqual([{ email: "twenty-nine-days@example.org" }]);
    expect(tasksRun(db)).toEqual([
      { task: "rotateHashKeys", outcome: "ok", trigger: "schedule" },
      { task: "purgeUnconfirmed", outcome: "ok", trigger: "schedule" },
      { task: "remindUnconfirmed", outcome: "ok", trigger: "schedule" },
      // 12:00 UTC, past the digest hour: nobody asked for one.
      { task: "sendDigests", outcome: "ok", trigger: "schedule" },
      { task: "expireRows", outcome: "ok", trigger: "schedule" },
      { task: "checkpoint", outcome: "ok", trigger: "schedule" },
      { task: "backup", outcome: "skipped", trigger: "schedule" },
    ]);
    const purge = db.select().from(maintenanceRuns).all().find((run) => run.task === "purgeUnconfirmed")!;
    expect(JSON.parse(purge.summary!)).toEqual({ days: 30, deleted: 1 });
    // The log holds counts, never an address.
    expect(JSON.stringify(db.select().from(maintenanceRuns).all())).not.toContain("@");

    setEnv({ UNCONFIRMED_RETENTION_DAYS: "7" });
    await runMaintenance({ trigger: "schedule", db, now: T0 + 2 * DAY_MS + 8 * DAY_MS });
    expect(db.select().from(signatures).all()).toEqual([]);
  });

  it("expires link tokens and rate-limit rows, and keeps those still valid", async () => {
    await recordCheckedSignature(db, { email: "tokens@example.org", now: T0 });
    // Its confirmation email sent at T0: the sender makes its links' tokens then (decision 0029).
    await deliverQueuedEmails(db, T0);
    const tokens = () => db.select({ purpose: signatureTokens.purpose }).from(signatureTokens).all().map((row) => row.purpose).sort();
    expect(tokens()).toEqual(["confirm", "manage", "withdraw"]);
    db.insert(rateLimits)
      .values([
        { key: "sign-ip-hour:old", points: 3, expire: T0 + 60_000 },
        { key: "sign-ip-hour:new", points: 1, expire: T0 + 9 * DAY_MS },
      ])
      .run();
    const report = await runMaintenance({ trigger: "manual", tasks: ["expireRows"], db, now: T0 + 8 * DAY_MS });
    expect(report).toMatchObject({ ran: true, results: [{ task: "expireRows", outcome: "ok", summary: { tokens: 1, rateLimits: 1, maintenanceRuns: 0 } }] });
    expect(tokens()).toEqual(["manage", "withdraw"]);
    expect(db.select({ key: rateLimits.key }).from(rateLimits).all()).toEqual([{ key: "sign-ip-hour:new" }]);
  });

  it("rotates the IP-hash keys: a past day's key is gone after the run", async () => {
    hashIpAddress("192.0.2.1", { db, now: T0 });
    await runMaintenance({ trigger: "schedule", tasks: ["rotateHashKeys"], db, now: T0 + 2 * DAY_MS });
    expect(db.select({ day: dailyHashKeys.day }).from(dailyHashKeys).all()).toEqual([{ day: Math.floor((T0 + 2 * DAY_MS) / DAY_MS) }]);
  });

  it("runs in one process at a time: a held lease makes another run wait, a lapsed one does not", async () => {
    const second = openDatabase(`file:${filePath}`);
    try {
      const first = runMaintenance({ trigger: "schedule", db, now: T0 });
      expect(await runMaintenance({ trigger: "schedule", db: second, now: T0 })).toEqual({ ran: false, reason: "leaseHeld" });
      expect((await first).ran).toBe(true);
      // Released at the end: the next run goes ahead.
      expect((await runMaintenance({ trigger: "schedule", tasks: ["checkpoint"], db: second, now: T0 + 1 })).ran).toBe(true);

      // A holder that crashed mid-run: its lease lapses after 30 minutes.
      db.update(maintenanceLeases).set({ holder: "crashed", expiresAt: T0 + 30 * 60_000 }).run();
      expect((await runMaintenance({ trigger: "schedule", db: second, now: T0 + 29 * 60_000 })).ran).toBe(false);
      expect((await runMaintenance({ trigger: "schedule", tasks: ["checkpoint"], db: second, now: T0 + 30 * 60_000 })).ran).toBe(true);
    } finally {
      second.$client.close();
    }
  });

  it("a failing task is logged as failed and the others still run", async () => {
    const notADirectory = path.join(backupDir, "a-file");
    fs.writeFileSync(notADirectory, "");
    setEnv({ BACKUP_DIR: path.join(notADirectory, "backups") });
    await recordCheckedSignature(db, { email: "old@example.org", now: T0 });
    const report = await runMaintenance({ trigger: "schedule", db, now: T0 + 40 * DAY_MS });
    expect(report.ran && report.results.map((result) => [result.task, result.outcome])).toEqual(MAINTENANCE_TASKS.map((task) => [task, task === "backup" ? "failed" : "ok"]));
    expect(db.select().from(maintenanceRuns).all().find((run) => run.task === "backup")!.error).toMatch(/ENOTDIR|EEXIST/);
    expect(db.select().from(signatures).all()).toEqual([]);
  });

  it("takes one backup a day into BACKUP_DIR, mode 0600, without the IP-hash keys, keeping BACKUP_KEEP copies", async () => {
    const dir = path.join(backupDir, "daily");
    setEnv({ BACKUP_DIR: dir, BACKUP_KEEP: "2" });
    await recordCheckedSignature(db, { email: "backed-up@example.org", now: T0 });
    const key = db.select().from(dailyHashKeys).get()!.secret;
    const backupsAt = async (now: number) => {
      await runMaintenance({ trigger: "schedule", tasks: ["backup"], db, now });
      return fs.readdirSync(dir).sort();
    };
    expect(await backupsAt(T0)).toEqual(["undersigned-2026-11-01T12-00-00Z.db"]);
    expect(await backupsAt(T0 + 60 * 60_000)).toEqual(["undersigned-2026-11-01T12-00-00Z.db"]);
    expect(await backupsAt(T0 + DAY_MS)).toEqual(["undersigned-2026-11-01T12-00-00Z.db", "undersigned-2026-11-02T12-00-00Z.db"]);
    expect(await backupsAt(T0 + 2 * DAY_MS)).toEqual(["undersigned-2026-11-02T12-00-00Z.db", "undersigned-2026-11-03T12-00-00Z.db"]);
    expect(db.select({ outcome: maintenanceRuns.outcome }).from(maintenanceRuns).all().map((run) => run.outcome)).toEqual(["ok", "skipped", "ok", "ok"]);

    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const newest = path.join(dir, "undersigned-2026-11-03T12-00-00Z.db");
    expect(fs.statSync(newest).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(newest).includes(key)).toBe(false);
    const copy = new Database(newest, { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(copy.prepare("select email from signatures").all()).toEqual([{ email: "backed-up@example.org" }]);
      expect(copy.prepare("select count(*) as n from daily_hash_keys").get()).toEqual({ n: 0 });
    } finally {
      copy.close();
    }
  });

  it("shows the last runs to owners only", async () => {
    await runMaintenance({ trigger: "manual", tasks: ["checkpoint"], db, now: T0 });
    expect(listMaintenanceRuns({ actor: SYSTEM, db })).toEqual([expect.objectContaining({ task: "checkpoint", trigger: "manual", outcome: "ok" })]);
    const admin = { kind: "organizer", id: 1, email: "a@example.org", role: "admin" } as const;
    expect(() => listMaintenanceRuns({ actor: admin, db })).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
  });
});

describe("the maintenance schedule, with the real clock", () => {
  let close: (() => void) | undefined;
  let stop: (() => void) | undefined;
  afterEach(() => {
    stop?.();
    close?.();
  });

  it("runs every task soon after the server starts, without anyone asking", async () => {
    const opened = createTestDatabase({ file: true });
    close = opened.close;
    stop = startMaintenanceScheduler({ firstRunDelayMs: 0 });
    await expect.poll(() => opened.db.select().from(maintenanceRuns).all().length, { timeout: 10_000 }).toBe(MAINTENANCE_TASKS.length);
    expect(opened.db.select().from(maintenanceRuns).all().every((run) => run.trigger === "schedule")).toBe(true);
  });
});
