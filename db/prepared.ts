import type Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import type { AppDatabase, Transaction } from "./client";
import * as schema from "./schema";

type Handle = AppDatabase | Transaction;
type Prepared = { db: AppDatabase; queries: Map<string, unknown> };

const byConnection = new WeakMap<Database.Database, Prepared>();

/** The better-sqlite3 connection under a drizzle database or transaction (they share it). */
export function connectionOf(handle: Handle): Database.Database {
  return (handle as unknown as { session: { client: Database.Database } }).session.client;
}

/**
 * A drizzle prepared query (built with `sql.placeholder`s and `.prepare()`),
 * built once per connection and reused. For the statements every signature
 * runs: drizzle otherwise rebuilds the SQL and SQLite compiles it again on
 * every call, which cost more than the writes themselves on the sign path
 * (decision 0012). The query runs on the connection of `handle`, so inside
 * its transaction when `handle` is one.
 */
export function preparedQuery<T>(handle: Handle, name: string, build: (db: AppDatabase) => T): T {
  const connection = connectionOf(handle);
  let prepared = byConnection.get(connection);
  if (!prepared) {
    prepared = { db: drizzle({ client: connection, schema }) as AppDatabase, queries: new Map() };
    byConnection.set(connection, prepared);
  }
  let query = prepared.queries.get(name) as T | undefined;
  if (query === undefined) {
    query = build(prepared.db);
    prepared.queries.set(name, query);
  }
  return query;
}
