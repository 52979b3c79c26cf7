import "server-only";
import type BetterSqlite3 from "better-sqlite3";
import { openReadOnlyDatabase, type AppDatabase } from "@/db/client";

// The streamed exports (the signatures CSV, the delivery PDF) read their rows
// the same way (decision 0008): from a separate read-only connection, as the
// client reads, so memory stays flat whatever the number of rows and a slow
// client slows the read instead of filling a buffer.

/**
 * The connection an export reads from, with at most one open cursor.
 * `release` ends the cursor (resetting its statement, which ends its read
 * transaction) and then closes the connection; it runs once, however often
 * it is called.
 */
export type ExportReader = {
  db: AppDatabase;
  client: BetterSqlite3.Database;
  /** False when the export reads on the main connection (an in-memory test database). */
  isSeparate: boolean;
  /** Runs `query` and returns its rows as arrays, one at a time as they are asked for. */
  iterate: <Row>(query: { sql: string; params: (string | number)[] }) => IterableIterator<Row>;
  release: () => void;
};

/**
 * Opens the reader: a separate read-only connection to the same file. While
 * a statement is being iterated its connection cannot write (STACK.md), and
 * WAL keeps this reader's snapshot while the main connection goes on
 * accepting signatures. An in-memory database (tests) cannot be opened
 * twice, so it is read on its own connection.
 *
 * `databaseUrl` names the file to read; by default the main connection's
 * file (process.env.DATABASE_URL for getDb()).
 */
export function openExportReader(db: AppDatabase, databaseUrl: string | undefined): ExportReader {
  const isSeparate = !(databaseUrl === undefined && db.$client.memory);
  const readerDb = isSeparate ? openReadOnlyDatabase(databaseUrl ?? `file:${db.$client.name}`) : db;
  let cursor: IterableIterator<unknown> | undefined;
  let isReleased = false;
  return {
    db: readerDb,
    client: readerDb.$client,
    isSeparate,
    iterate<Row>(query: { sql: string; params: (string | number)[] }) {
      const rows = readerDb.$client.prepare(query.sql).raw(true).iterate(...query.params) as IterableIterator<Row>;
      cursor = rows;
      return rows;
    },
    release() {
      if (isReleased) return;
      isReleased = true;
      cursor?.return?.();
      if (isSeparate) readerDb.$client.close();
    },
  };
}

/**
 * The export's bytes as a pull-based web stream over `reader`: `start`
 * enqueues what can leave at once, each `pull` enqueues the next chunk and
 * says whether that was the last. The reader is released when the source
 * is done (before the stream closes), fails (before it errors) or is
 * cancelled because the client went away. Two chunks are read ahead of the
 * client at most.
 */
export function createExportStream(
  reader: ExportReader,
  source: {
    start: (controller: ReadableStreamDefaultController<Uint8Array>) => void;
    pull: (controller: ReadableStreamDefaultController<Uint8Array>) => "more" | "done";
  },
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        source.start(controller);
      },
      pull(controller) {
        try {
          if (source.pull(controller) === "more") return;
          reader.release();
          controller.close();
        } catch (error) {
          try {
            reader.release();
          } finally {
            controller.error(error);
          }
        }
      },
      cancel() {
        reader.release();
      },
    },
    { highWaterMark: 2 },
  );
}
