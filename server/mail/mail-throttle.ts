import "server-only";
import { getConfig } from "@/server/config";

/**
 * The relay's budget, `MAIL_RATE_PER_MINUTE` emails a minute (decision
 * 0022): a token bucket that refills continuously and holds a few seconds'
 * worth, so sends go out evenly. Mailings `take` from it and wait when it
 * is empty; confirmation emails never wait but `spend` from it, so a burst
 * of confirmations holds the mailing back instead of going over the
 * relay's rate. Their debt is capped at one minute's budget: the relay's
 * own window, past which waiting longer would not help it. With a rate of
 * 0 there is no throttle.
 */
export type MailThrottle = {
  ratePerMinute: number;
  /** Up to `wanted` emails that may be sent now (0 when the budget is spent). */
  take(wanted: number, now?: number): number;
  /** Emails sent outside the throttle (the outbox): they count against the budget. */
  spend(count: number, now?: number): void;
  /** Returns emails taken but not sent (fewer were due than granted). */
  giveBack(count: number): void;
  /** Milliseconds until one more email may be sent (0: now). */
  msUntilNext(now?: number): number;
};

const BURST_SECONDS = 5;

export function createMailThrottle(ratePerMinute: number): MailThrottle {
  if (ratePerMinute <= 0) {
    return { ratePerMinute: 0, take: (wanted) => wanted, spend: () => undefined, giveBack: () => undefined, msUntilNext: () => 0 };
  }
  const perMs = ratePerMinute / 60_000;
  const capacity = Math.max(1, Math.floor((ratePerMinute * BURST_SECONDS) / 60));
  // One email's worth at the start, not a burst: the clock starts at the first use.
  let tokens = 1;
  let at: number | undefined;
  const refill = (now: number) => {
    if (at !== undefined && now > at) tokens = Math.min(capacity, tokens + (now - at) * perMs);
    at = Math.max(at ?? now, now);
  };
  return {
    ratePerMinute,
    take(wanted, now = Date.now()) {
      refill(now);
      const granted = Math.max(0, Math.min(wanted, Math.floor(tokens)));
      tokens -= granted;
      return granted;
    },
    spend(count, now = Date.now()) {
      refill(now);
      tokens = Math.max(-ratePerMinute, tokens - count);
    },
    giveBack(count) {
      tokens = Math.min(capacity, tokens + Math.max(0, count));
    },
    msUntilNext(now = Date.now()) {
      refill(now);
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / perMs);
    },
  };
}

// On globalThis: the custom server and Next's bundle each load this module, and the outbox and the mailings must share one budget.
const globalForThrottle = globalThis as unknown as { undersignedMailThrottle?: MailThrottle };

/** The process's budget, from MAIL_RATE_PER_MINUTE. */
export function getMailThrottle(): MailThrottle {
  return (globalForThrottle.undersignedMailThrottle ??= createMailThrottle(getConfig().mailRatePerMinute));
}
