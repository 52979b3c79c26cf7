import fs from "node:fs";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppDatabase } from "./client";
import { getGroupCommit } from "./group-commit";
import { createTestDatabase, setUpTestDatabase } from "@/test/database";

describe("group commit", () => {
  let db: AppDatabase;
  setUpTestDatabase((opened) => ({ db } = opened));
  beforeEach(() => {
    db.run(sql`CREATE TABLE gc_probe (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE)`);
  });

  const count = () => db.get<{ n: number }>(sql`SELECT count(*) AS n FROM gc_probe`)!.n;

  it("commits the work of one turn in one transaction and resolves each caller with its own result", async () => {
    const groupCommit = getGroupCommit(db);
    const transactions = vi.spyOn(db, "transaction");
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        groupCommit.run((tx) => tx.get<{ id: number }>(sql`INSERT INTO gc_probe (value) VALUES (${`v${index}`}) RETURNING id`)!.id),
      ),
    );
    expect(results).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
    expect(count()).toBe(100);
    expect(transactions).toHaveBeenCalledTimes(1);
  });

  it("rolls back only the work that threw, and rejects only its caller", async () => {
    const groupCommit = getGroupCommit(db);
    const outcomes = await Promise.allSettled([
      groupCommit.run((tx) => tx.run(sql`INSERT INTO gc_probe (value) VALUES ('a')`)),
      groupCommit.run((tx) => {
        tx.run(sql`INSERT INTO gc_probe (value) VALUES ('b')`);
        throw new Error("refused");
      }),
      groupCommit.run((tx) => tx.run(sql`INSERT INTO gc_probe (value) VALUES ('a')`)),
      groupCommit.run((tx) => tx.run(sql`INSERT INTO gc_probe (value) VALUES ('c')`)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect(db.all<{ value: string }>(sql`SELECT value FROM gc_probe ORDER BY value`).map((row) => row.value)).toEqual(["a", "c"]);
  });

  it("when a piece throws, the batch runs again piece by piece: every other piece's writes land exactly once", async () => {
    const groupCommit = getGroupCommit(db);
    db.run(sql`CREATE TABLE gc_tally (n INTEGER NOT NULL)`);
    db.run(sql`INSERT INTO gc_tally (n) VALUES (0)`);
    const transactions = vi.spyOn(db, "transaction");
    const bump = () => groupCommit.run((tx) => tx.get<{ n: number }>(sql`UPDATE gc_tally SET n = n + 1 RETURNING n`)!.n);
    const outcomes = await Promise.allSettled([
      bump(),
      bump(),
      groupCommit.run((tx) => {
        tx.run(sql`UPDATE gc_tally SET n = n + 100`);
        throw new Error("refused");
      }),
      bump(),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    // Each caller gets the result of the run that committed.
    expect(outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : null))).toEqual([1, 2, null, 3]);
    expect(db.get<{ n: number }>(sql`SELECT n FROM gc_tally`)!.n).toBe(3);
    // Once together (rolled back), once piece by piece.
    expect(transactions).toHaveBeenCalledTimes(2);
  });

  it("when SQLite rolls back the whole transaction under a piece (disk full, I/O), no later piece runs outside it: the batch fails as one", async () => {
    const groupCommit = getGroupCommit(db);
    const outcomes = await Promise.allSettled([
      groupCommit.run((tx) => tx.run(sql`INSERT INTO gc_probe (value) VALUES ('a')`)),
      groupCommit.run((tx) => {
        // What SQLite does by itself on SQLITE_FULL or an I/O error.
        tx.run(sql`ROLLBACK`);
        throw new Error("disk full");
      }),
      groupCommit.run((tx) => tx.run(sql`INSERT INTO gc_probe (value) VALUES ('c')`)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(count()).toBe(0);
    expect(db.$client.inTransaction).toBe(false);
  });

  it("is one queue per connection, and later turns start new transactions", async () => {
    expect(getGroupCommit(db)).toBe(getGroupCommit(db));
    await getGroupCommit(db).run((tx) => tx.run(sql`INSERT INTO gc_probe (value) VALUES ('first')`));
    expect(db.$client.inTransaction).toBe(false);
    await getGroupCommit(db).run((tx) => tx.run(sql`INSERT INTO gc_probe (value) VALUES ('second')`));
    expect(count()).toBe(2);
  });

  it("rejects every caller of a batch whose commit fails", async () => {
    const groupCommit = getGroupCommit(db);
    // A deferred foreign key violation only fails at COMMIT.
    db.run(sql`CREATE TABLE gc_parent (id INTEGER PRIMARY KEY)`);
    db.run(sql`CREATE TABLE gc_child (parent INTEGER REFERENCES gc_parent(id) DEFERRABLE INITIALLY DEFERRED)`);
    const outcomes = await Promise.allSettled([
      groupCommit.run((tx) => tx.run(sql`INSERT INTO gc_probe (value) VALUES ('lost')`)),
      groupCommit.run((tx) => tx.run(sql`INSERT INTO gc_child (parent) VALUES (42)`)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    expect(count()).toBe(0);
  });

  describe("on a WAL file", () => {
    let fileDb: AppDatabase;
    let closeFile: () => void;
    let walPath: string;
    beforeEach(() => {
      const opened = createTestDatabase({ file: true });
      fileDb = opened.db;
      closeFile = opened.close;
      walPath = `${opened.filePath}-wal`;
      fileDb.run(sql`CREATE TABLE gc_probe (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE)`);
    });
    afterEach(() => {
      vi.restoreAllMocks();
      closeFile();
    });

    const synchronousLevel = () => fileDb.$client.pragma("synchronous", { simple: true });

    it("answers only after the WAL is fdatasync'd, and leaves the connection at synchronous=FULL", async () => {
      const events: string[] = [];
      const realSync = fs.fdatasync;
      vi.spyOn(fs, "fdatasync").mockImplementation(((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
        events.push(`sync (${fs.readFileSync(walPath).length > 0 ? "after" : "before"} the commit reached the WAL)`);
        realSync(fd, (error) => {
          events.push("synced");
          callback(error);
        });
      }) as typeof fs.fdatasync);
      const levelDuringWork: unknown[] = [];
      await Promise.all(
        ["a", "b", "c"].map((value) =>
          getGroupCommit(fileDb)
            .run((tx) => {
              levelDuringWork.push(fileDb.$client.pragma("synchronous", { simple: true }));
              tx.run(sql`INSERT INTO gc_probe (value) VALUES (${value})`);
            })
            .then(() => events.push(`answered ${value}`)),
        ),
      );
      expect(events).toEqual(["sync (after the commit reached the WAL)", "synced", "answered a", "answered b", "answered c"]);
      // 1 = NORMAL inside the batch (the thread pool syncs), 2 = FULL for every other transaction.
      expect(levelDuringWork).toEqual([1, 1, 1]);
      expect(synchronousLevel()).toBe(2);
    });

    it("pieces that arrive while a batch's sync is in flight wait for it, then commit as one batch after their own sync", async () => {
      const heldSyncs: (() => void)[] = [];
      const realSync = fs.fdatasync;
      vi.spyOn(fs, "fdatasync").mockImplementation(((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
        heldSyncs.push(() => realSync(fd, callback));
      }) as typeof fs.fdatasync);
      const transactions = vi.spyOn(fileDb, "transaction");
      const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
      const insert = (value: string) => getGroupCommit(fileDb).run((tx) => tx.run(sql`INSERT INTO gc_probe (value) VALUES (${value})`));
      const answered: string[] = [];
      const first = insert("first").then(() => answered.push("first"));
      while (heldSyncs.length === 0) await nextTurn();
      // Three more, each in a turn of its own, while the first batch's sync is held.
      const later: Promise<number>[] = [];
      for (const value of ["b", "c", "d"]) {
        later.push(insert(value).then(() => answered.push(value)));
        await nextTurn();
      }
      await nextTurn();
      expect(transactions).toHaveBeenCalledTimes(1);
      expect(answered).toEqual([]);

      heldSyncs.shift()!();
      await first;
      while (heldSyncs.length === 0) await nextTurn();
      expect(transactions).toHaveBeenCalledTimes(2);
      // Committed, yet not answered before their own sync.
      expect(answered).toEqual(["first"]);
      heldSyncs.shift()!();
      await Promise.all(later);
      expect(answered).toEqual(["first", "b", "c", "d"]);
      expect(fileDb.get<{ n: number }>(sql`SELECT count(*) AS n FROM gc_probe`)!.n).toBe(4);
    });

    it("rejects every caller when the sync fails: committed but maybe not on disk is not kept", async () => {
      vi.spyOn(fs, "fdatasync").mockImplementation(((_fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
        callback(Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" }));
      }) as typeof fs.fdatasync);
      const outcomes = await Promise.allSettled([
        getGroupCommit(fileDb).run((tx) => tx.run(sql`INSERT INTO gc_probe (value) VALUES ('x')`)),
        getGroupCommit(fileDb).run((tx) => tx.run(sql`INSERT INTO gc_probe (value) VALUES ('y')`)),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
      expect(synchronousLevel()).toBe(2);
    });

    it("goes back to synchronous=FULL when a batch's commit fails", async () => {
      fileDb.run(sql`CREATE TABLE gc_parent (id INTEGER PRIMARY KEY)`);
      fileDb.run(sql`CREATE TABLE gc_child (parent INTEGER REFERENCES gc_parent(id) DEFERRABLE INITIALLY DEFERRED)`);
      await expect(getGroupCommit(fileDb).run((tx) => tx.run(sql`INSERT INTO gc_child (parent) VALUES (7)`))).rejects.toThrow();
      expect(synchronousLevel()).toBe(2);
    });
  });
});
