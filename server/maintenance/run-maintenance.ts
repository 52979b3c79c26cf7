import "server-only";
import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { maintenanceLeases, maintenanceRuns, type MaintenanceOutcome } from "@/db/schema";
import { checkpointAfterErasure } from "@/db/wal-checkpointer";
import { SYSTEM } from "@/server/auth/actor";
import { getConfig } from "@/server/config";
import { forgetPastHashKeys, rotateDailyHashKeys } from "@/server/privacy/daily-hash-keys";
import { sendOrganizerDigests } from "@/server/digest/send-organizer-digests";
import { purgeUnconfirmedSignatures } from "@/server/privacy/retention";
import { remindUnconfirmedSignatures } from "@/server/signatures/remind-unconfirmed-signatures";
import { deleteExpiredRows } from "./expire-rows";
import { takeDailyBackup } from "./take-daily-backup";

// The server's own maintenance (decision 0019): what the privacy notice
// promises about retention happens without anyone running a command.

/**
 * In the order they run: erasures first, then the emails the schedule sends
 * (the one reminder to confirm, decision 0022; the organizers' digests,
 * decision 0025), then the checkpoint that takes erased bytes out of the
 * WAL, then the backup. Hourly is fine for both emails: the reminder is due
 * hours after signing and an hour late changes nothing, and the digest is
 * daily. What matters is that they run once per process group, which the lease gives.
 */
export const MAINTENANCE_TASKS = ["rotateHashKeys", "purgeUnconfirmed", "remindUnconfirmed", "sendDigests", "expireRows", "checkpoint", "backup"] as const;
export type MaintenanceTask = (typeof MAINTENANCE_TASKS)[number];
export type MaintenanceTrigger = "schedule" | "manual";

export const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;
/** The first run after a start: soon, but after the server is listening. */
const FIRST_RUN_DELAY_MS = 5_000;
/** Longer than any run (a backup of a large database takes seconds to a minute); a crashed holder's lease lapses after it. */
const LEASE_MS = 30 * 60 * 1000;
const LEASE_NAME = "maintenance";

export type MaintenanceTaskResult = {
  task: MaintenanceTask;
  outcome: MaintenanceOutcome;
  startedAt: number;
  finishedAt: number;
  summary: Record<string, unknown> | null;
  error: string | null;
};

export type MaintenanceReport = { ran: false; reason: "leaseHeld" } | { ran: true; results: MaintenanceTaskResult[] };

/**
 * Takes the maintenance lease for `holder` unless another holder's lease is
 * still running: one statement, so two processes can never both get it.
 */
function acquireLease(db: AppDatabase, holder: string, now: number): boolean {
  return (
    db.run(
      sql`insert into ${maintenanceLeases} (name, holder, expires_at) values (${LEASE_NAME}, ${holder}, ${now + LEASE_MS})
          on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
          where ${maintenanceLeases.expiresAt} <= ${now} or ${maintenanceLeases.holder} = excluded.holder`,
    ).changes === 1
  );
}

function releaseLease(db: AppDatabase, holder: string): void {
  db.update(maintenanceLeases)
    .set({ expiresAt: 0 })
    .where(and(eq(maintenanceLeases.name, LEASE_NAME), eq(maintenanceLeases.holder, holder)))
    .run();
}

type TaskContext = { db: AppDatabase; now: number };
type TaskOutcome = { outcome: MaintenanceOutcome; summary: Record<string, unknown> };

const TASKS: Record<MaintenanceTask, (context: TaskContext) => Promise<TaskOutcome> | TaskOutcome> = {
  rotateHashKeys: ({ db, now }) => ({ outcome: "ok", summary: rotateDailyHashKeys({ db, now }) }),
  purgeUnconfirmed: ({ db, now }) => {
    const days = getConfig().unconfirmedRetentionDays;
    return { outcome: "ok", summary: { days, ...purgeUnconfirmedSignatures({ actor: SYSTEM, days, db, now, checkpoint: false }) } };
  },
  remindUnconfirmed: async ({ db, now }) => {
    const hours = getConfig().confirmReminderHours;
    if (hours === 0) return { outcome: "skipped", summary: { reason: "CONFIRM_REMINDER_HOURS is 0" } };
    return { outcome: "ok", summary: await remindUnconfirmedSignatures({ actor: SYSTEM, hours, db, now }) };
  },
  sendDigests: ({ db, now }) => {
    const summary = sendOrganizerDigests({ actor: SYSTEM, db, now });
    return { outcome: summary.reason ? "skipped" : "ok", summary };
  },
  expireRows: async ({ db, now }) => ({ outcome: "ok", summary: await deleteExpiredRows({ db, now }) }),
  checkpoint: ({ db }) => {
    const wal = checkpointAfterErasure(db);
    return { outcome: wal === "busy" ? "failed" : "ok", summary: { wal } };
  },
  backup: async ({ db, now }) => {
    const { backupDir, backupKeep } = getConfig();
    if (!backupDir) return { outcome: "skipped", summary: { reason: "BACKUP_DIR is not set" } };
    const summary = await takeDailyBackup({ db, dir: backupDir, keep: backupKeep, now });
    return { outcome: summary.taken ? "ok" : "skipped", summary };
  },
};

/** An error's message for the log, without a stack (and our errors hold no personal data). */
function describeError(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
}

/**
 * Runs the maintenance tasks (all, or `tasks`) once, under the lease, and
 * writes one `maintenance_runs` row per task and one log line. A failing
 * task is logged and the others still run. Returns `ran: false` when another
 * process holds the lease. The server's scheduler and the command line
 * (`npm run data -- maintenance`) only.
 */
export async function runMaintenance(options: {
  trigger: MaintenanceTrigger;
  tasks?: readonly MaintenanceTask[];
  db?: AppDatabase;
  /** Fixed time for every task (tests); otherwise each task reads the clock when it starts. */
  now?: number;
  holder?: string;
}): Promise<MaintenanceReport> {
  const db = options.db ?? getDb();
  const clock = () => options.now ?? Date.now();
  const holder = options.holder ?? randomBytes(12).toString("base64url");
  if (!acquireLease(db, holder, clock())) return { ran: false, reason: "leaseHeld" };
  const results: MaintenanceTaskResult[] = [];
  try {
    for (const task of MAINTENANCE_TASKS) {
      if (options.tasks && !options.tasks.includes(task)) continue;
      const startedAt = clock();
      let result: MaintenanceTaskResult;
      try {
        const { outcome, summary } = await TASKS[task]({ db, now: startedAt });
        result = { task, outcome, startedAt, finishedAt: clock(), summary, error: null };
      } catch (error) {
        result = { task, outcome: "failed", startedAt, finishedAt: clock(), summary: null, error: describeError(error) };
      }
      db.insert(maintenanceRuns)
        .values({
          task,
          trigger: options.trigger,
          startedAt: result.startedAt,
          finishedAt: result.finishedAt,
          outcome: result.outcome,
          summary: result.summary ? JSON.stringify(result.summary) : null,
          error: result.error,
        })
        .run();
      console.warn(
        `[maintenance] ${task} ${result.outcome} in ${result.finishedAt - result.startedAt} ms${result.summary ? ` ${JSON.stringify(result.summary)}` : ""}${result.error ? `: ${result.error}` : ""}`,
      );
      results.push(result);
    }
  } finally {
    releaseLease(db, holder);
  }
  return { ran: true, results };
}

type SchedulerState = { timer?: NodeJS.Timeout; stopped: boolean };
const globalForScheduler = globalThis as unknown as { undersignedMaintenance?: SchedulerState };

/**
 * Starts the maintenance schedule of the production server: a first run a
 * few seconds after start, then one every hour. Every process on the
 * database may start it; the lease lets one run at a time, and every
 * process drops its cached copy of a past day's hash key on each tick.
 * Safe to call more than once. Returns a function that stops it.
 */
export function startMaintenanceScheduler(options: { intervalMs?: number; firstRunDelayMs?: number } = {}): () => void {
  const existing = globalForScheduler.undersignedMaintenance;
  if (existing && !existing.stopped) return () => stop(existing);
  const state: SchedulerState = { stopped: false };
  globalForScheduler.undersignedMaintenance = state;
  const tick = () => {
    if (state.stopped) return;
    forgetPastHashKeys();
    runMaintenance({ trigger: "schedule" })
      .catch((error: unknown) => console.error("[maintenance] run failed:", describeError(error)))
      .finally(() => {
        if (state.stopped) return;
        state.timer = setTimeout(tick, options.intervalMs ?? MAINTENANCE_INTERVAL_MS);
        state.timer.unref();
      });
  };
  state.timer = setTimeout(tick, options.firstRunDelayMs ?? FIRST_RUN_DELAY_MS);
  state.timer.unref();
  return () => stop(state);
}

function stop(state: SchedulerState): void {
  state.stopped = true;
  clearTimeout(state.timer);
}
