import "server-only";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { signatures, type NewSignature } from "@/db/schema";
import {
  canChange,
  counterMoves,
  SIGNATURE_TRANSITIONS,
  statusesBefore,
  type CountedSignature,
  type CounterMove,
  type SignatureStatus,
  type SignatureTransition,
} from "@/lib/signature-lifecycle";
import { addToCounter } from "@/server/stats/counters";

// Applies lib/signature-lifecycle.ts inside the transaction of each change:
// every path that creates, changes or deletes a signature goes through
// these functions, so the counters move exactly as the declared table says
// and always equal a recount (decision 0023). No statement of its own on
// the sign and confirmation paths; the one-row UPDATE and the counter
// upsert (server/stats/counters.ts) are prepared once per connection.

const DAY_MS = 24 * 60 * 60 * 1000;

/** Columns a status change may write besides `status`. */
type StatusChangeColumns = Omit<Partial<NewSignature>, "id" | "status">;

/** The fields the counters are keyed on, after writing `set` over `signature`. */
function afterChange(signature: CountedSignature, to: SignatureStatus, set: StatusChangeColumns): CountedSignature {
  return {
    status: to,
    country: set.country ?? signature.country,
    verifiedAt: set.verifiedAt !== undefined ? set.verifiedAt : signature.verifiedAt,
    referredBy: set.referredBy !== undefined ? set.referredBy : signature.referredBy,
    utmSource: set.utmSource !== undefined ? set.utmSource : signature.utmSource,
  };
}

function assertTransition(transition: SignatureTransition, from: SignatureStatus | null): void {
  // The callers check first and answer the person; getting here means a caller skipped that check.
  if (!canChange(transition, from)) throw new Error(`a signature cannot ${transition} from ${from ?? "no row"}`);
}

/** Moves each counter by its delta, inside the transaction of the change. */
export function applyCounterMoves(tx: Transaction, moves: readonly CounterMove[]): void {
  for (const move of moves) addToCounter(tx, move.scope, move.key, move.delta);
}

/** Counts a signature the caller has just inserted (`sign`, so with no verification yet), in the same transaction. */
export function countNewSignature(tx: Transaction, signature: Pick<CountedSignature, "country" | "referredBy" | "utmSource">): void {
  const { country, referredBy, utmSource } = signature;
  applyCounterMoves(tx, counterMoves(null, { status: SIGNATURE_TRANSITIONS.sign.to, country, verifiedAt: null, referredBy, utmSource }));
}

/**
 * Changes one signature's status by `transition`, writing `set` with it,
 * and moves its counters, in the caller's transaction. The UPDATE holds
 * only if the row still has the status it was read with; returns whether
 * it did (false: another transaction changed it first, nothing moved).
 * `signature` is the row as read, with the fields the counters key on.
 */
export function changeSignatureStatus(
  tx: Transaction,
  options: { signature: CountedSignature & { id: number }; transition: SignatureTransition; set?: StatusChangeColumns },
): boolean {
  const { signature, transition } = options;
  const set = options.set ?? {};
  assertTransition(transition, signature.status);
  const to = SIGNATURE_TRANSITIONS[transition].to;
  if (to === null) throw new Error(`${transition} deletes rows: use moveCountersForGroups after deleting them`);
  // One prepared statement per status reached and set of columns written (a handful in all): building and
  // compiling the UPDATE cost more than running it on the confirmation path (decision 0012).
  const columns = (Object.keys(set) as (keyof StatusChangeColumns)[]).filter((column) => set[column] !== undefined).sort();
  const update = preparedQuery(tx, `changeSignatureStatus:${to}:${columns.join(",")}`, (db) =>
    db
      .update(signatures)
      .set({ ...Object.fromEntries(columns.map((column) => [column, sql`${sql.placeholder(column)}`])), status: to })
      .where(and(eq(signatures.id, sql.placeholder("changedSignatureId")), eq(signatures.status, sql.placeholder("fromStatus"))))
      .prepare(),
  );
  const values: Record<string, unknown> = { changedSignatureId: signature.id, fromStatus: signature.status };
  // Placeholders skip drizzle's column mapping: booleans go in as SQLite integers.
  for (const column of columns) values[column] = typeof set[column] === "boolean" ? Number(set[column]) : set[column];
  if (update.run(values).changes !== 1) return false;
  applyCounterMoves(tx, counterMoves(signature, afterChange(signature, to, set)));
  return true;
}

/** Signatures counted by everything a counter is keyed on; `verifiedAt` is the start of its UTC day. */
export type CountedGroup = CountedSignature & { count: number };

/**
 * The rows matching `where`, grouped by status and by every field a counter
 * is keyed on: what a set-based change needs to move the counters as one
 * row at a time would. The day is grouped as whole UTC days since 1970 and
 * named by the same `toDayKey` that named it when it was verified, so the
 * keys cannot drift.
 */
export function countSignatureGroups(tx: Transaction, where: SQL | undefined): CountedGroup[] {
  // A literal, not a parameter: a bound JS number is a REAL and would turn this into a fractional division.
  const dayNumber = sql<number | null>`${signatures.verifiedAt} / ${sql.raw(String(DAY_MS))}`;
  return tx
    .select({
      status: signatures.status,
      country: signatures.country,
      dayNumber,
      referredBy: signatures.referredBy,
      utmSource: signatures.utmSource,
      count: sql<number>`count(*)`,
    })
    .from(signatures)
    .where(where)
    .groupBy(signatures.status, signatures.country, dayNumber, signatures.referredBy, signatures.utmSource)
    .all()
    .map(({ dayNumber: day, ...group }) => ({ ...group, verifiedAt: day === null ? null : day * DAY_MS }));
}

/**
 * Moves the counters for whole groups of signatures changed by
 * `transition` (read with `countSignatureGroups` before the change): one
 * upsert per counter touched, equal to what moving each row would give.
 */
export function moveCountersForGroups(tx: Transaction, transition: SignatureTransition, groups: readonly CountedGroup[], set: StatusChangeColumns = {}): void {
  const to = SIGNATURE_TRANSITIONS[transition].to;
  const total = new Map<string, CounterMove>();
  for (const group of groups) {
    assertTransition(transition, group.status);
    for (const move of counterMoves(group, to === null ? null : afterChange(group, to, set), group.count)) {
      const id = `${move.scope}\u0000${move.key}`;
      const sum = total.get(id);
      if (sum) sum.delta += move.delta;
      else total.set(id, { ...move });
    }
  }
  applyCounterMoves(tx, [...total.values()].filter((move) => move.delta !== 0));
}

/**
 * Changes every signature matching `where` by `transition` in one UPDATE
 * (only rows whose status the transition starts from), after `groups` were
 * read with `countSignatureGroups(tx, where)` in the same transaction, and
 * moves the counters by the groups. Returns the rows changed; the caller
 * rolls back if that is not the groups' total.
 */
export function changeSignatureStatuses(
  tx: Transaction,
  options: { where: SQL; groups: readonly CountedGroup[]; transition: SignatureTransition; set?: StatusChangeColumns },
): number {
  const { transition } = options;
  const set = options.set ?? {};
  const to = SIGNATURE_TRANSITIONS[transition].to;
  if (to === null) throw new Error(`${transition} deletes rows: use moveCountersForGroups after deleting them`);
  const changed = tx
    .update(signatures)
    .set({ ...set, status: to })
    .where(and(options.where, inArray(signatures.status, statusesBefore(transition))))
    .run().changes;
  moveCountersForGroups(tx, transition, options.groups, set);
  return changed;
}
