import "server-only";
import { createHash } from "node:crypto";

/** How a hashed stream ended: the digest exists only when every byte went through. */
export type HashedStreamEnd =
  | { status: "complete"; sha256: string; bytes: number }
  | { status: "cancelled" | "failed"; bytes: number };

/** The hex SHA-256 of some bytes or text (UTF-8), for files built in memory. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Passes `source` through unchanged while hashing it (SHA-256), and calls
 * `onEnd` exactly once: with the digest and byte count when the last byte
 * has gone out, or with `cancelled` / `failed` and the bytes sent so far.
 *
 * The digest is of exactly what the reader received, computed on the way,
 * so a file can be fingerprinted without holding it in memory (exports
 * stream hundreds of megabytes) and without producing it twice.
 *
 * `onEnd` runs after `source` has ended (closed, failed or been cancelled,
 * so it has let go of what it held) and, for a complete stream, before the
 * stream closes: if it throws (the audit row cannot be written), the
 * download fails instead of completing unrecorded.
 *
 * A pull-based ReadableStream rather than a TransformStream on purpose:
 * with no queue of its own (highWaterMark 0) it reads from `source` only
 * when its reader asks, adding no read-ahead; and a cancel reaches `source`
 * before `cancel()` resolves, so the source's connection is closed by then
 * (a pipeThrough cancels the source some turns later).
 */
export function hashStream(source: ReadableStream<Uint8Array>, onEnd: (end: HashedStreamEnd) => void): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const hash = createHash("sha256");
  let bytes = 0;
  let hasEnded = false;
  const end = (result: HashedStreamEnd) => {
    if (hasEnded) return;
    hasEnded = true;
    onEnd(result);
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          try {
            end({ status: "failed", bytes });
          } finally {
            controller.error(error);
          }
          return;
        }
        if (next.done) {
          end({ status: "complete", sha256: hash.digest("hex"), bytes });
          controller.close();
          return;
        }
        hash.update(next.value);
        bytes += next.value.byteLength;
        controller.enqueue(next.value);
      },
      async cancel(reason) {
        // The source lets go of what it holds (a database cursor) first, so
        // `onEnd` may use the same connection.
        try {
          await reader.cancel(reason);
        } finally {
          end({ status: "cancelled", bytes });
        }
      },
    },
    { highWaterMark: 0 },
  );
}

/** What the audit row of an export names as its target: the file it produced. */
export const EXPORT_FILE_TARGET_TYPE = "file";

const FILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The audit target of a completed export: type `file`, id the file's line
 * as `sha256sum` prints it (`<hex>  <name>`), so the log alone vouches for
 * a file handed to a parliament, and GET /admin/exports/manifest.sha256 is
 * those ids, one a line. In the target columns rather than in `details`:
 * the details of the signatures CSV and country totals rows stay exactly
 * what decision 0008 (and its tests) define, the export's filters.
 */
export function exportFileTarget(filename: string, sha256: string): { targetType: string; targetId: string } {
  // Names are ours (kind, scope, day), never user input; checked so that no value can forge a manifest line.
  if (!FILE_NAME_PATTERN.test(filename)) throw new Error(`unsafe export file name: ${JSON.stringify(filename)}`);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error("not a hex SHA-256");
  return { targetType: EXPORT_FILE_TARGET_TYPE, targetId: `${sha256}  ${filename}` };
}
