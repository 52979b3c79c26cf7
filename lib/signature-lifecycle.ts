// Who counts: the one place that says which statuses a signature can have,
// how it moves between them, and which counters it is in while it has each
// (docs/decisions/0023-one-place-for-each-rule.md). Plain data and pure
// functions, safe for the browser: db/schema.ts takes its lists, the
// moderation schemas its rules, and server/signatures/lifecycle.ts applies
// it in every transaction that creates, changes or deletes a signature.

/** Only `verified` signatures count or show anywhere public. */
export const SIGNATURE_STATUSES = ["pending", "verified", "invalidated", "withdrawn"] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

/**
 * Every change of status, named by what causes it. `null` stands for "no
 * row": a signature is created pending, and only a pending one is deleted.
 */
export const SIGNATURE_TRANSITIONS = {
  /** An address signs for the first time (the form, the API). */
  sign: { from: [null], to: "pending" },
  /** The signer presses the button behind the link in their email. */
  confirm: { from: ["pending"], to: "verified" },
  /** An organizer, or a bulk run, judges it fraudulent. */
  invalidate: { from: ["pending", "verified"], to: "invalidated" },
  /** An organizer undoes an invalidation of a signature that had been confirmed… */
  restore: { from: ["invalidated"], to: "verified" },
  /** …or of one that had not. */
  restoreUnconfirmed: { from: ["invalidated"], to: "pending" },
  /** The signer's withdrawal link, or an erasure on request: the personal data goes, the row stays for the history of the counts. */
  withdraw: { from: ["pending", "verified", "invalidated"], to: "withdrawn" },
  /** Never confirmed within the retention period (decision 0019): the row is deleted. */
  purge: { from: ["pending"], to: null },
} as const satisfies Record<string, { from: readonly (SignatureStatus | null)[]; to: SignatureStatus | null }>;

export type SignatureTransition = keyof typeof SIGNATURE_TRANSITIONS;

/** Whether `transition` may start from a signature with this status (`null`: no row yet). */
export function canChange(transition: SignatureTransition, from: SignatureStatus | null): boolean {
  return (SIGNATURE_TRANSITIONS[transition].from as readonly (SignatureStatus | null)[]).includes(from);
}

/** The statuses of the rows a transition starts from (not "no row"). */
export function statusesBefore(transition: SignatureTransition): SignatureStatus[] {
  return (SIGNATURE_TRANSITIONS[transition].from as readonly (SignatureStatus | null)[]).filter((status): status is SignatureStatus => status !== null);
}

/** A restore gives the signature back the status it had: verified if it had been confirmed. */
export function restoreTransitionFor(signature: { verifiedAt: number | null }): "restore" | "restoreUnconfirmed" {
  return signature.verifiedAt !== null ? "restore" : "restoreUnconfirmed";
}

/** The statuses an organizer may invalidate (the bulk form offers these). */
export const INVALIDATABLE_STATUSES = SIGNATURE_TRANSITIONS.invalidate.from;
export type InvalidatableStatus = (typeof INVALIDATABLE_STATUSES)[number];

/**
 * The counters a signature's status decides: total, country and day count
 * verified signatures (public); ref and utm count verified signatures per
 * referral code and per utm_source; status counts every signature by its
 * status (organizers).
 */
export const LIFECYCLE_COUNTER_SCOPES = ["total", "country", "day", "status", "ref", "utm"] as const;
export type LifecycleCounterScope = (typeof LIFECYCLE_COUNTER_SCOPES)[number];

/**
 * Every counter scope: the lifecycle's, and reminder, which counts reminders
 * to confirm ("sent") and the signatures confirmed after one ("confirmed")
 * for the dashboard, moved by the reminder task and by confirming a reminded
 * signature (decision 0022).
 */
export const COUNTER_SCOPES = [...LIFECYCLE_COUNTER_SCOPES, "reminder"] as const;
export type CounterScope = (typeof COUNTER_SCOPES)[number];

/** Who counts: the counters a signature is in while it has each status. */
export const COUNTED_IN: Readonly<Record<SignatureStatus, readonly LifecycleCounterScope[]>> = {
  pending: ["status"],
  verified: ["total", "country", "day", "ref", "utm", "status"],
  invalidated: ["status"],
  withdrawn: ["status"],
};

/** What the counters are keyed on: a signature's status and the fields below, nothing else. */
export type CountedSignature = {
  status: SignatureStatus;
  country: string;
  verifiedAt: number | null;
  referredBy?: string | null;
  utmSource?: string | null;
};

/** UTC calendar day of a timestamp, the key of the per-day counter. */
export function toDayKey(timestampMs: number): string {
  return new Date(timestampMs).toISOString().slice(0, 10);
}

/** The key of a signature's row in each scope; undefined where it has nothing to count under (no day, no referral, no source). */
const COUNTER_KEY: Readonly<Record<LifecycleCounterScope, (signature: CountedSignature) => string | undefined>> = {
  total: () => "",
  country: (signature) => signature.country,
  // The day it was verified: a restore gives it back to the same day.
  day: (signature) => (signature.verifiedAt === null ? undefined : toDayKey(signature.verifiedAt)),
  status: (signature) => signature.status,
  ref: (signature) => signature.referredBy || undefined,
  utm: (signature) => signature.utmSource || undefined,
};

export type CounterMove = { scope: CounterScope; key: string; delta: number };

function addKeys(moves: CounterMove[], signature: CountedSignature | null, delta: number): void {
  if (!signature) return;
  for (const scope of COUNTED_IN[signature.status]) {
    const key = COUNTER_KEY[scope](signature);
    if (key === undefined) continue;
    const same = moves.find((move) => move.scope === scope && move.key === key);
    if (same) same.delta += delta;
    else moves.push({ scope, key, delta });
  }
}

/**
 * What a change does to the counters: `times` out of every counter `before`
 * is in, `times` into every counter `after` is in (`null`: no row). Counters
 * are a function of the rows, so applying this with every change keeps each
 * one equal to a recount. Moves that cancel out are left out.
 */
export function counterMoves(before: CountedSignature | null, after: CountedSignature | null, times = 1): CounterMove[] {
  const moves: CounterMove[] = [];
  addKeys(moves, before, -times);
  addKeys(moves, after, times);
  return moves.filter((move) => move.delta !== 0);
}
