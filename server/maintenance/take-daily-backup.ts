import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { AppDatabase } from "@/db/client";
import { backupDatabase } from "@/db/backup";

/** undersigned-2026-12-07T03-00-00Z.db: sorts by time, and the UTC day is its first 23 characters. */
const BACKUP_NAME = /^undersigned-(\d{4}-\d{2}-\d{2})T\d{2}-\d{2}-\d{2}Z\.db$/;

export function backupFileName(now: number): string {
  return `undersigned-${new Date(now).toISOString().slice(0, 19).replaceAll(":", "-")}Z.db`;
}

export type DailyBackupSummary =
  | { taken: false; reason: "alreadyTakenToday"; kept: number }
  | { taken: true; file: string; bytes: number; seconds: number; signatures: number; deleted: string[]; kept: number };

/**
 * The daily online backup of maintenance (decision 0019): when BACKUP_DIR
 * holds no backup of today (UTC), copies the live database there
 * (db/backup.ts: mode 0600, checked, without the IP-hash keys), then deletes
 * the oldest backups beyond `keep`. Only files named like ours are ever
 * deleted. The server's maintenance and the command line only.
 */
export async function takeDailyBackup(options: { db: AppDatabase; dir: string; keep: number; now: number }): Promise<DailyBackupSummary> {
  const { dir, keep, now } = options;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const listBackups = () => fs.readdirSync(dir).filter((name) => BACKUP_NAME.test(name)).sort();
  const today = new Date(now).toISOString().slice(0, 10);
  const existing = listBackups();
  if (existing.some((name) => BACKUP_NAME.exec(name)?.[1] === today)) return { taken: false, reason: "alreadyTakenToday", kept: existing.length };

  const file = backupFileName(now);
  const result = await backupDatabase({ source: options.db.$client.name, target: path.join(dir, file) });
  const all = listBackups();
  const deleted = all.slice(0, Math.max(0, all.length - keep));
  for (const name of deleted) fs.rmSync(path.join(dir, name), { force: true });
  return { taken: true, file, bytes: result.bytes, seconds: Math.round(result.seconds * 100) / 100, signatures: result.signatures, deleted, kept: all.length - deleted.length };
}
