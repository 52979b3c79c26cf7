CREATE TABLE `daily_hash_keys` (
	`day` integer PRIMARY KEY NOT NULL,
	`secret` blob NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `maintenance_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `maintenance_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task` text NOT NULL,
	`trigger` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`summary` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `maintenance_runs_started_at_idx` ON `maintenance_runs` (`started_at`);--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `signature_id` integer;--> statement-breakpoint
CREATE INDEX `mail_outbox_signature_idx` ON `mail_outbox` (`signature_id`);--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_type`,`target_id`);--> statement-breakpoint
-- Emails queued before this migration: tied to their signature (a withdrawal deletes them), and no longer counted by address in clear (decision 0019).
UPDATE `mail_outbox` SET `signature_id` = (SELECT `id` FROM `signatures` WHERE `signatures`.`email_key` = `mail_outbox`.`recipient_key`) WHERE `status` = 'queued';--> statement-breakpoint
-- Emails already sent or given up keep only their kind, times, Message-ID and status.
UPDATE `mail_outbox` SET `to_address` = '', `subject` = '', `text_body` = '', `html_body` = '', `locale` = '' WHERE `status` <> 'queued';--> statement-breakpoint
UPDATE `mail_outbox` SET `recipient_key` = '';
