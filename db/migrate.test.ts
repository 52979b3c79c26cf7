import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/database";
import { migrateDatabase } from "./migrate";

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
});
