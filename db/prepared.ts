import type Database from "better-sqlite3";
import { Column, is, Param, Placeholder, SQL } from "drizzle-orm";
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
    bindOnce(query);
    prepared.queries.set(name, query);
  }
  return query;
}

// drizzle's prepared query sorts its parameters from its placeholders on
// every call (an `is()` walk of each one's prototype chain) and maps result
// rows through a generic path-walking mapper: together ~5 % of a
// signature's CPU (decision 0027). The statement, the parameter list and the
// result columns never change, so both are worked out once here and the
// query's `run`/`get`/`all` call better-sqlite3 directly. A query whose shape
// is not the simple one (nested result fields, joins, a custom mapper, a
// drizzle version with other internals) keeps drizzle's own methods.

type Values = Record<string, unknown>;
type Decoder = { mapFromDriverValue(value: unknown): unknown };
type Encoder = { mapToDriverValue(value: unknown): unknown };
type DrizzleSyncPrepared = {
  stmt: Database.Statement;
  query: { params: unknown[] };
  fields?: { path: string[]; field: unknown }[];
  customResultMapper?: unknown;
  run(values?: Values): unknown;
  get(values?: Values): unknown;
  all(values?: Values): unknown;
};

function parameterReader(param: unknown): (values: Values) => unknown {
  const read = (name: string) => (values: Values) => {
    if (!(name in values)) throw new Error(`No value for placeholder "${name}" was provided`);
    return values[name];
  };
  if (is(param, Placeholder)) return read(param.name);
  if (is(param, Param) && is(param.value, Placeholder)) {
    const value = read(param.value.name);
    const encoder = param.encoder as Encoder;
    return (values) => encoder.mapToDriverValue(value(values));
  }
  return () => param;
}

function columnDecoder(field: unknown): Decoder | null {
  if (is(field, Column)) return field;
  // SQL's decoder is internal to drizzle (the column's or sql<T>'s mapWith); mapResultRow reads it too.
  if (is(field, SQL)) return (field as unknown as { decoder: Decoder }).decoder;
  if (is(field, SQL.Aliased)) return (field.sql as unknown as { decoder: Decoder }).decoder;
  return null;
}

function bindOnce(query: unknown): void {
  const prepared = query as Partial<DrizzleSyncPrepared>;
  if (!prepared || typeof prepared !== "object" || !prepared.stmt || !Array.isArray(prepared.query?.params)) return;
  // joinsNotNullableMap only matters for nested (joined) result fields, which keep drizzle's mapper below.
  if (prepared.customResultMapper) return;
  const readers = prepared.query.params.map(parameterReader);
  const bind = (values: Values = {}) => readers.map((read) => read(values));
  const statement = prepared.stmt;
  const fields = prepared.fields;
  if (fields === undefined) {
    if (!statement.reader) {
      prepared.run = (values) => statement.run(...bind(values));
      return;
    }
    // Whole rows as SQLite names them: what drizzle returns for a query without fields.
    prepared.get = (values) => statement.get(...bind(values));
    prepared.all = (values) => statement.all(...bind(values));
    prepared.run = (values) => statement.run(...bind(values));
    return;
  }
  const columns = fields.map(({ path, field }) => ({ key: path.length === 1 ? path[0]! : null, decoder: columnDecoder(field) }));
  if (columns.some((column) => column.key === null || column.decoder === null)) return;
  const raw = statement.raw(true);
  const toRow = (values: unknown[]) => {
    const row: Values = {};
    for (let index = 0; index < columns.length; index += 1) {
      const value = values[index];
      row[columns[index]!.key!] = value === null ? null : columns[index]!.decoder!.mapFromDriverValue(value);
    }
    return row;
  };
  prepared.get = (values) => {
    const found = raw.get(...bind(values)) as unknown[] | undefined;
    return found === undefined ? undefined : toRow(found);
  };
  prepared.all = (values) => (raw.all(...bind(values)) as unknown[][]).map(toRow);
  prepared.run = (values) => statement.run(...bind(values));
}
