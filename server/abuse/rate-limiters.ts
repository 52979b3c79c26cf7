import "server-only";

export type LimiterSpec = { keyPrefix: string; points: number; durationSeconds: number };

/** A number of points per fixed window of seconds. */
export type RateWindow = { points: number; durationSeconds: number };

/**
 * Two windows counted in one row: a short burst window and a longer
 * sustained one (a client's sign limits, decision 0024). `sustained` must be
 * the longer; the row is deleted once both windows have passed.
 */
export type WindowPairSpec = { keyPrefix: string; burst: RateWindow; sustained: RateWindow };

/**
 * Limits on organizer sign-in: failed attempts per address (the real guard)
 * and per client IP, each in a fixed 15-minute window of `rate_limits` rows.
 * Every attempt takes its point before the password is checked; a sign-in
 * gives it back (decision 0018).
 */
export const LOGIN_LIMITS = {
  perAccount: { keyPrefix: "login-account", points: 5, durationSeconds: 15 * 60 },
  perIp: { keyPrefix: "login-ip", points: 20, durationSeconds: 15 * 60 },
} as const satisfies Record<string, LimiterSpec>;
