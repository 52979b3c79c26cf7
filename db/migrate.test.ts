import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/database";
import { openDatabase } from "./client";
import { MIGRATIONS_FOLDER, migrateDatabase } from "./migrate";

/** A copy of the committed migrations up to (not including) the one whose tag ends with `tagEnd`, in `root`. */
function migrationsBefore(tagEnd: string, root: string): string {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((entry) => entry.tag.endsWith(tagEnd));
  const before = path.join(root, "before");
  fs.mkdirSync(path.join(before, "meta"), { recursive: true });
  for (const entry of journal.entries.slice(0, index)) fs.copyFileSync(path.join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), path.join(before, `${entry.tag}.sql`));
  fs.writeFileSync(path.join(before, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }));
  return before;
}

describe("migrateDatabase", () => {
  it("creates every table and is a no-op the second time", () => {
    const sqlite = new Database(":memory:");
    migrateDatabase(sqlite);
    migrateDatabase(sqlite);
    const tables = (sqlite.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(["signatures", "signature_tokens", "stat_counters", "mail_outbox", "__drizzle_migrations"]));
    const applied = sqlite.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number };
    expect(applied.n).toBeGreaterThan(0);
    const again = sqlite.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number };
    expect(again.n).toBe(applied.n);
    sqlite.close();
  });

  it("keeps the sign path's text-keyed tables clustered on their key (WITHOUT ROWID, decision 0024), rows and index intact", () => {
    const { db, close } = createTestDatabase();
    const tableSql = (name: string) => (db.$client.prepare("select sql from sqlite_master where type = 'table' and name = ?").get(name) as { sql: string }).sql;
    expect(tableSql("rate_limits")).toMatch(/\)\s*WITHOUT ROWID$/);
    expect(tableSql("signature_tokens")).toMatch(/\)\s*WITHOUT ROWID$/);
    expect(() => db.$client.prepare("select rowid from rate_limits").all()).toThrow(/no such column: rowid/);
    const indexes = db.$client.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'signature_tokens' and sql is not null").all();
    expect(indexes).toEqual([{ name: "signature_tokens_signature_idx" }]);
    const foreignKeys = db.$client.pragma("foreign_key_list(signature_tokens)") as { table: string; on_delete: string }[];
    expect(foreignKeys).toMatchObject([{ table: "signatures", on_delete: "CASCADE" }]);
    close();
  });

  it("opens file databases in WAL mode with fsync on commit and foreign keys on", () => {
    const { db, close } = createTestDatabase({ file: true });
    expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.$client.pragma("synchronous", { simple: true })).toBe(2);
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    close();
  });

  it("enforces one signature per normalised address in the schema itself", () => {
    const { db, close } = createTestDatabase();
    const insert = db.$client.prepare(
      "insert into signatures (email, email_key, name, country, locale, ref_code, consent_version, created_at) values (?, ?, 'A', 'DE', 'en', ?, 'v', 0)",
    );
    insert.run("a@example.org", "a@example.org", "ref1");
    expect(() => insert.run("A@example.org", "a@example.org", "ref2")).toThrow(/UNIQUE/);
    close();
  });

  it("creates the database, its WAL and shared memory with mode 0600 in a 0700 directory, and narrows an existing file's mode", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-modes-"));
    try {
      const file = path.join(root, "data", "app.db");
      const db = openDatabase(`file:${file}`);
      db.$client.exec("create table probe (x); insert into probe values (1)");
      const mode = (name: string) => fs.statSync(name).mode & 0o777;
      expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`), mode(path.dirname(file))]).toEqual([0o600, 0o600, 0o600, 0o700]);
      db.$client.close();

      const older = path.join(root, "older.db");
      fs.writeFileSync(older, "", { mode: 0o644 });
      fs.chmodSync(older, 0o644);
      const reopened = openDatabase(`file:${older}`);
      expect(mode(older)).toBe(0o600);
      reopened.$client.close();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("sets secure_delete on every connection it opens", () => {
    const { db, close } = createTestDatabase({ file: true });
    expect(db.$client.pragma("secure_delete", { simple: true })).toBe(1);
    close();
  });

  it("strips emails sent before the privacy migration and ties those still queued to their signature", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-migrations-"));
    try {
      // The migrations before the privacy one, applied to a database that then holds the old outbox.
      const sqlite = new Database(":memory:");
      migrateDatabase(sqlite, migrationsBefore("_privacy_maintenance", root));
      sqlite.exec(`insert into signatures (id, email, email_key, name, country, locale, ref_code, consent_version, created_at) values (7, 'Old@Example.org', 'old@example.org', 'Old', 'DE', 'en', 'r7', 'v', 0)`);
      const mail = sqlite.prepare(
        "insert into mail_outbox (kind, to_address, recipient_key, locale, subject, text_body, html_body, message_id, status, next_attempt_at, created_at) values (?, 'Old@Example.org', 'old@example.org', 'en', 'Subject', 'text /withdraw?token=x', '<p>html</p>', ?, ?, 0, 0)",
      );
      mail.run("confirm", "<sent@app.test>", "sent");
      mail.run("confirm", "<queued@app.test>", "queued");

      migrateDatabase(sqlite);
      const rows = sqlite.prepare("select status, to_address, subject, text_body, html_body, locale, recipient_key, signature_id, message_id from mail_outbox order by id").all();
      expect(rows).toEqual([
        { status: "sent", to_address: "", subject: "", text_body: "", html_body: "", locale: "", recipient_key: "", signature_id: null, message_id: "<sent@app.test>" },
        {
          status: "queued",
          to_address: "Old@Example.org",
          subject: "Subject",
          text_body: "text /withdraw?token=x",
          html_body: "<p>html</p>",
          locale: "en",
          recipient_key: "",
          signature_id: 7,
          message_id: "<queued@app.test>",
        },
      ]);
      sqlite.close();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("keeps every rate-limit row and token when it rebuilds their tables WITHOUT ROWID (an orphan token excepted)", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-migrations-"));
    try {
      const sqlite = new Database(":memory:");
      sqlite.pragma("foreign_keys = ON");
      migrateDatabase(sqlite, migrationsBefore("_sign_path_without_rowid", root));
      sqlite.exec(`insert into signatures (id, email, email_key, name, country, locale, ref_code, consent_version, created_at) values (3, 'a@example.org', 'a@example.org', 'A', 'DE', 'en', 'r3', 'v', 0)`);
      sqlite.exec(`insert into signature_tokens values ('hash-confirm', 3, 'confirm', 10, 1), ('hash-manage', 3, 'manage', 20, 1)`);
      sqlite.exec(`insert into rate_limits values ('sign-ip-hour:abc', 4, 99), ('login-account:x', 1, null)`);
      // A token left behind by a deletion made with foreign keys off: dropped, not a failed start.
      sqlite.pragma("foreign_keys = OFF");
      sqlite.exec(`insert into signature_tokens values ('hash-orphan', 99, 'confirm', 10, 1)`);
      sqlite.pragma("foreign_keys = ON");

      migrateDatabase(sqlite);

      expect(sqlite.prepare("select * from signature_tokens order by token_hash").all()).toEqual([
        { token_hash: "hash-confirm", signature_id: 3, purpose: "confirm", expires_at: 10, created_at: 1 },
        { token_hash: "hash-manage", signature_id: 3, purpose: "manage", expires_at: 20, created_at: 1 },
      ]);
      expect(sqlite.prepare("select * from rate_limits order by key").all()).toEqual([
        { key: "login-account:x", points: 1, expire: null, burst_points: null, burst_expire: null },
        { key: "sign-ip-hour:abc", points: 4, expire: 99, burst_points: null, burst_expire: null },
      ]);
      // The rebuilt table still cascades: erasing the signature takes its tokens.
      sqlite.exec("delete from signatures where id = 3");
      expect(sqlite.prepare("select count(*) as n from signature_tokens").get()).toEqual({ n: 0 });
      sqlite.close();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
