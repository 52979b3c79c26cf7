import { and, count, eq, gt, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { AppDatabase } from "./client";
import { preparedQuery } from "./prepared";
import { signatures, statCounters, users } from "./schema";
import { setUpTestDatabase } from "@/test/database";

// preparedQuery binds a drizzle prepared query's parameters and maps its rows
// once (decision 0027): every answer must be the one drizzle's own methods give.

describe("preparedQuery", () => {
  let db: AppDatabase;
  setUpTestDatabase((opened) => ({ db } = opened));

  const insertUser = (handle: AppDatabase) =>
    handle
      .insert(users)
      .values({
        email: sql.placeholder("email"),
        passwordHash: "x",
        role: "viewer",
        isDisabled: sql.placeholder("isDisabled"),
        createdAt: sql.placeholder("now"),
        updatedAt: sql.placeholder("now"),
      })
      .returning({ id: users.id, email: users.email, isDisabled: users.isDisabled, createdAt: users.createdAt })
      .prepare();

  it("returns what drizzle returns: placeholders with encoders, RETURNING with decoders, counts, no row", () => {
    const fast = preparedQuery(db, "test.insertUser", insertUser);
    const plain = insertUser(db);
    expect(Object.hasOwn(fast, "get")).toBe(true);

    const viaFast = fast.get({ email: "a@example.org", isDisabled: true, now: 1 });
    const viaPlain = plain.get({ email: "b@example.org", isDisabled: false, now: 2 });
    expect(viaFast).toEqual({ id: 1, email: "a@example.org", isDisabled: true, createdAt: 1 });
    expect(viaPlain).toEqual({ id: 2, email: "b@example.org", isDisabled: false, createdAt: 2 });
    // The boolean went in as SQLite's 1, as drizzle's encoder writes it.
    expect(db.$client.prepare("select is_disabled from users where id = 1").pluck().get()).toBe(1);

    const counted = (handle: AppDatabase) =>
      handle
        .select({ value: count() })
        .from(users)
        .where(and(eq(users.isDisabled, sql.placeholder("disabled")), gt(users.createdAt, sql.placeholder("since"))))
        .prepare();
    const fastCount = preparedQuery(db, "test.count", counted);
    expect(Object.hasOwn(fastCount, "get")).toBe(true);
    // A bare placeholder is bound as given, by drizzle too: booleans go in as SQLite integers.
    for (const values of [
      { disabled: 1, since: 0 },
      { disabled: 0, since: 0 },
      { disabled: 1, since: 5 },
    ]) {
      expect(fastCount.get(values)).toEqual(counted(db).get(values));
      expect(fastCount.all(values)).toEqual(counted(db).all(values));
    }

    const bySince = (handle: AppDatabase) =>
      handle.select({ id: users.id, isDisabled: users.isDisabled }).from(users).where(gt(users.id, sql.placeholder("after"))).prepare();
    expect(Object.hasOwn(preparedQuery(db, "test.none", bySince), "all")).toBe(true);
    expect(preparedQuery(db, "test.none", bySince).get({ after: 99 })).toBeUndefined();
    expect(preparedQuery(db, "test.none", bySince).all({ after: 0 })).toEqual(bySince(db).all({ after: 0 }));
  });

  it("runs writes with their placeholders and literal values, and refuses a missing placeholder as drizzle does", () => {
    const bump = (handle: AppDatabase) =>
      handle
        .insert(statCounters)
        .values({ scope: "status", key: sql.placeholder("key"), count: sql.placeholder("delta") })
        .onConflictDoUpdate({ target: [statCounters.scope, statCounters.key], set: { count: sql`${statCounters.count} + excluded.count` } })
        .prepare();
    const fast = preparedQuery(db, "test.bump", bump);
    expect(fast.run({ key: "pending", delta: 2 }).changes).toBe(1);
    bump(db).run({ key: "pending", delta: 3 });
    fast.run({ key: "pending", delta: -1 });
    expect(db.select().from(statCounters).all()).toEqual([{ scope: "status", key: "pending", count: 4 }]);
    expect(() => fast.run({ key: "pending" })).toThrow('No value for placeholder "delta" was provided');
    expect(() => bump(db).run({ key: "pending" })).toThrow('No value for placeholder "delta" was provided');
  });

  it("maps a whole-table select's rows to the schema's field names, like drizzle", () => {
    const whole = (handle: AppDatabase) => handle.select().from(signatures).where(eq(signatures.id, sql.placeholder("id"))).prepare();
    expect(preparedQuery(db, "test.whole", whole).get({ id: 1 })).toEqual(whole(db).get({ id: 1 }));
  });
});
