import "server-only";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { z } from "zod";

/** One update email a second: within what small plans of ordinary SMTP relays allow (decision 0022). */
export const DEFAULT_MAIL_RATE_PER_MINUTE = 60;
/** The one reminder to confirm goes this many hours after the confirmation email (decision 0022). */
export const DEFAULT_CONFIRM_REMINDER_HOURS = 48;
/**
 * The latest a reminder may be set for: a day before the first link (7 days)
 * expires and is deleted, since that link's token is the record that a
 * confirmation email was sent at all (server/signatures/remind-unconfirmed-signatures.ts).
 */
export const MAX_CONFIRM_REMINDER_HOURS = 144;

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z.string().min(1).default("file:./data/app.db"),
  APP_URL: z.url().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
    .optional(),
  MAIL_FROM: z.string().min(3).default("no-reply@localhost"),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional(),
  /** Reverse proxies in front that append to X-Forwarded-For (decision 0017): 1 = one nginx. */
  TRUST_PROXY: z.coerce
    .number({ error: "TRUST_PROXY must be the number of trusted proxy hops (0, 1, 2, …)" })
    .int("TRUST_PROXY must be a whole number of proxy hops")
    .min(0, "TRUST_PROXY must be 0 or more")
    .max(10, "TRUST_PROXY counts proxy hops: at most 10")
    .default(0),
  BOT_CHECK: z.enum(["on", "off"]).default("on"),
  /** Multiplies every sign rate limit (decision 0011); the e2e stack raises it, production keeps 1. */
  SIGN_RATE_LIMIT_SCALE: z.coerce.number().int().min(1).max(1_000_000).default(1),
  /** The minimum fill time in seconds, at most 3 (DESIGN.md); 0 turns only that check off (the e2e stack fills forms in milliseconds). */
  BOT_CHECK_MIN_FILL_SECONDS: z.coerce.number().min(0).max(3).default(3),
  /** Unconfirmed signatures are deleted this many days after signing, by the server's maintenance (decision 0019). */
  UNCONFIRMED_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Set: the server takes a daily online backup into this directory, keeping BACKUP_KEEP copies. */
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(366).default(7),
  /**
   * Update emails per minute (decision 0022): 60 suits an ordinary relay's
   * small plan (1 a second, 3,600 an hour); 0 turns the throttle off.
   */
  MAIL_RATE_PER_MINUTE: z.coerce
    .number({ error: "MAIL_RATE_PER_MINUTE must be a whole number of emails per minute (0 = no throttle)" })
    .int("MAIL_RATE_PER_MINUTE must be a whole number of emails per minute (0 = no throttle)")
    .min(0, "MAIL_RATE_PER_MINUTE must be 0 (no throttle) or more")
    .max(1_000_000, "MAIL_RATE_PER_MINUTE is at most 1,000,000")
    .default(DEFAULT_MAIL_RATE_PER_MINUTE),
  /** Hours after the confirmation email when an unconfirmed signature gets its one reminder; 0 = no reminders (decision 0022). */
  CONFIRM_REMINDER_HOURS: z.coerce
    .number({ error: "CONFIRM_REMINDER_HOURS must be a whole number of hours (0 = no reminder)" })
    .int("CONFIRM_REMINDER_HOURS must be a whole number of hours (0 = no reminder)")
    .min(0, "CONFIRM_REMINDER_HOURS must be 0 (no reminder) or more")
    .max(MAX_CONFIRM_REMINDER_HOURS, `CONFIRM_REMINDER_HOURS is at most ${MAX_CONFIRM_REMINDER_HOURS} (6 days): the reminder must go while the confirmation email's link is still on record`)
    .default(DEFAULT_CONFIRM_REMINDER_HOURS),
});

export type AppConfig = {
  isProduction: boolean;
  port: number;
  databaseUrl: string;
  /** Public base URL for links in emails and share links, without a trailing slash. */
  appUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  authSecret: string;
  /**
   * How many proxies in front append to X-Forwarded-For (TRUST_PROXY): the
   * client is that many entries from its right end; 0 = the socket's peer.
   */
  trustProxyHops: number;
  /**
   * false only with BOT_CHECK=off: no honeypot, no minimum fill time, no proof
   * of work (rate limits still apply). The proof of work's HMAC key is derived
   * from `authSecret` (server/abuse/proof-of-work.ts).
   */
  botCheck: boolean;
  signRateLimitScale: number;
  minFillMs: number;
  unconfirmedRetentionDays: number;
  /** Absolute path, or undefined: no scheduled backups. */
  backupDir: string | undefined;
  backupKeep: number;
  /** Update emails per minute; 0: no throttle (confirmation emails are never held back). */
  mailRatePerMinute: number;
  /** Hours after the confirmation email when the one reminder goes; 0: none. */
  confirmReminderHours: number;
};

let cached: AppConfig | undefined;

/**
 * Reads and checks the environment once, at start. A bad value stops the
 * server with a message naming the variable; production refuses to start
 * without AUTH_SECRET (development makes a throwaway one) or without APP_URL
 * (every link in every email is built on it).
 */
export function getConfig(): AppConfig {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  const env = parsed.data;
  const isProduction = env.NODE_ENV === "production";
  const isBuilding = process.env.NEXT_PHASE === "phase-production-build";
  if (isProduction && !isBuilding && !env.AUTH_SECRET) {
    throw new Error("AUTH_SECRET is required in production: set it to a random string of 32+ characters (openssl rand -base64 32)");
  }
  if (isProduction && !isBuilding && !env.APP_URL) {
    throw new Error(
      "APP_URL is required in production: set it to the site's public address (e.g. https://letter.example.org); every link in confirmation emails and share links is built on it, and a guessed default would mail signers links that do not work",
    );
  }
  cached = {
    isProduction,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    appUrl: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    authSecret: env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
    trustProxyHops: env.TRUST_PROXY,
    botCheck: env.BOT_CHECK === "on",
    signRateLimitScale: env.SIGN_RATE_LIMIT_SCALE,
    minFillMs: Math.round(env.BOT_CHECK_MIN_FILL_SECONDS * 1000),
    unconfirmedRetentionDays: env.UNCONFIRMED_RETENTION_DAYS,
    backupDir: env.BACKUP_DIR ? path.resolve(env.BACKUP_DIR) : undefined,
    backupKeep: env.BACKUP_KEEP,
    mailRatePerMinute: env.MAIL_RATE_PER_MINUTE,
    confirmReminderHours: env.CONFIRM_REMINDER_HOURS,
  };
  return cached;
}

/** What an operator must hear at every start: settings that weaken the defences (decision 0011). */
export function listConfigWarnings(config: AppConfig = getConfig()): string[] {
  const warnings: string[] = [];
  if (!config.botCheck) {
    warnings.push("BOT_CHECK=off: the honeypot, the minimum fill time and the proof of work are disabled (use it for load tests only; rate limits still apply)");
  }
  if (config.signRateLimitScale !== 1) {
    warnings.push(`SIGN_RATE_LIMIT_SCALE=${config.signRateLimitScale}: the sign rate limits are ${config.signRateLimitScale} times the defaults`);
  }
  return warnings;
}

// On globalThis: the custom server and Next's bundle each load this module in one process.
const globalForWarnings = globalThis as unknown as { undersignedConfigWarned?: boolean };

/** Prints listConfigWarnings() once per process, whichever server starts first. */
export function printConfigWarningsOnce(): void {
  if (globalForWarnings.undersignedConfigWarned) return;
  globalForWarnings.undersignedConfigWarned = true;
  for (const warning of listConfigWarnings()) console.warn(`[config] warning: ${warning}`);
}

/** Forgets the parsed environment (tests change it between cases). */
export function resetConfigForTesting(): void {
  cached = undefined;
}
