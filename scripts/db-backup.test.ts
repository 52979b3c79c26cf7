import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { hashIpAddress } from "@/server/privacy/daily-hash-keys";
import { setUpTestDatabase } from "@/test/database";

const ROOT = path.resolve(__dirname, "..");
const TSX_CLI = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
const BETTER_SQLITE3 = createRequire(import.meta.url).resolve("better-sqlite3");

/** Enough rows that the database spans far more than one 100-page backup step. */
const PREFILLED = 5000;

// A second process standing in for the server: its own connection, WAL and
// synchronous=FULL like production, one signature per commit, printing each id
// only after its commit returned. Stops itself after 30 s should the test die.
const WRITER = `
const fs = require("node:fs");
const Database = require(${JSON.stringify(BETTER_SQLITE3)});
const db = new Database(process.argv[2]);
db.pragma("busy_timeout = 10000");
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
const insert = db.prepare("insert into signatures (email, email_key, name, country, locale, ref_code, consent_version, created_at) values (?, ?, 'Writer', 'FR', 'en', ?, 'test', ?)");
const end = Date.now() + 30000;
for (let i = 0; Date.now() < end; i += 1) {
  const email = "writer-" + i + "@example.org";
  const { lastInsertRowid } = insert.run(email, email, "writer-" + i, Date.now());
  fs.writeSync(1, lastInsertRowid + "\\n");
}
`;

type Writer = { child: ChildProcess; maxId: () => number; waitForId: (id: number) => Promise<void>; stop: () => Promise<void> };

function startWriter(dir: string, filePath: string): Writer {
  const script = path.join(dir, "writer.cjs");
  fs.writeFileSync(script, WRITER);
  const child = spawn(process.execPath, [script, filePath], { stdio: ["ignore", "pipe", "pipe"] });
  let maxId = 0;
  let pending = "";
  let stderr = "";
  const waiters: { id: number; resolve: () => void }[] = [];
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on("data", (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) maxId = Math.max(maxId, Number(line));
    for (const waiter of waiters.filter((w) => w.id <= maxId)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    maxId: () => maxId,
    waitForId: (id) =>
      id <= maxId
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ id, resolve });
            child.once("exit", (code) => reject(new Error(`writer exited with ${code} before id ${id}: ${stderr}`)));
          }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

function runBackup(args: string[], databaseUrl: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX_CLI, "scripts/db-backup.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stderr, stdout }));
  });
}

describe("npm run db:backup", () => {
  let filePath: string;
  let backupDir: string;
  let writer: Writer | undefined;

  setUpTestDatabase((opened) => ({ filePath } = opened), { file: true });
  beforeEach(() => {
    backupDir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-backup-"));
  });
  afterEach(async () => {
    await writer?.stop();
    writer = undefined;
    fs.rmSync(backupDir, { recursive: true, force: true });
  });

  it("copies every committed signature while another process keeps signing", async () => {
    const sqlite = new Database(filePath);
    const insert = sqlite.prepare(
      "insert into signatures (email, email_key, name, country, locale, ref_code, consent_version, created_at) values (?, ?, 'Early', 'DE', 'de', ?, 'test', 0)",
    );
    sqlite.transaction(() => {
      for (let i = 0; i < PREFILLED; i += 1) insert.run(`early-${i}@example.org`, `early-${i}@example.org`, `early-${i}`);
    })();
    sqlite.close();

    writer = startWriter(backupDir, filePath);
    await writer.waitForId(PREFILLED + 200);
    const committedBefore = writer.maxId();
    const backupFile = path.join(backupDir, "app-backup.db");

    const result = await runBackup([backupFile], `file:${filePath}`);
    const committedDuring = writer.maxId();
    await writer.stop();

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^backup .*app-backup\.db: \d+ pages, \d+ bytes, [\d.]+ s, \d+ signatures, integrity ok\n$/);
    expect(result.stderr).not.toContain("@");
    // The writer really was committing while the backup ran.
    expect(committedDuring).toBeGreaterThan(committedBefore);
    // One self-contained file: no temporary, journal or -wal left beside it.
    expect(fs.readdirSync(backupDir).sort()).toEqual(["app-backup.db", "writer.cjs"]);

    const backup = new Database(backupFile, { readonly: true, fileMustExist: true });
    try {
      expect(backup.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(backup.pragma("journal_mode", { simple: true })).toBe("delete");
      const upToBefore = backup.prepare("select count(*) as n, max(id) as max from signatures where id <= ?").get(committedBefore) as { n: number; max: number };
      expect(upToBefore).toEqual({ n: committedBefore, max: committedBefore });
      const all = backup.prepare("select count(*) as n from signatures").get() as { n: number };
      expect(result.stderr).toContain(`, ${all.n} signatures,`);
    } finally {
      backup.close();
    }
  });

  it("writes a private file (mode 0600) that holds no IP-hash key", async () => {
    const db = openDatabase(`file:${filePath}`);
    hashIpAddress("192.0.2.44", { db, now: 1_790_000_000_000 });
    const key = (db.$client.prepare("select secret from daily_hash_keys").get() as { secret: Buffer }).secret;
    db.$client.close();
    const backupFile = path.join(backupDir, "private.db");
    const result = await runBackup([backupFile], `file:${filePath}`);
    expect(result.code, result.stderr).toBe(0);
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(filePath).includes(key) || fs.readFileSync(`${filePath}-wal`).includes(key)).toBe(true);
    expect(fs.readFileSync(backupFile).includes(key)).toBe(false);
  });

  it("refuses without a FILE (exit 2)", async () => {
    const result = await runBackup([], `file:${filePath}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: db:backup");
  });

  it("refuses to replace an existing FILE without --force and leaves it untouched (exit 2)", async () => {
    const existing = path.join(backupDir, "existing.db");
    fs.writeFileSync(existing, "an older backup");
    const result = await runBackup([existing], `file:${filePath}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--force");
    expect(fs.readFileSync(existing, "utf8")).toBe("an older backup");
    expect(fs.readdirSync(backupDir)).toEqual(["existing.db"]);
  });

  it("replaces an existing FILE with --force", async () => {
    const existing = path.join(backupDir, "existing.db");
    fs.writeFileSync(existing, "an older backup");
    const result = await runBackup([existing, "--force"], `file:${filePath}`);
    expect(result.code, result.stderr).toBe(0);
    const backup = new Database(existing, { readonly: true, fileMustExist: true });
    expect(backup.pragma("integrity_check", { simple: true })).toBe("ok");
    backup.close();
  });

  it("refuses to write over the live database, even with --force (exit 2)", async () => {
    const before = fs.statSync(filePath).mtimeMs;
    const result = await runBackup([filePath, "--force"], `file:${filePath}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("live database");
    expect(fs.statSync(filePath).mtimeMs).toBe(before);
  });
});
