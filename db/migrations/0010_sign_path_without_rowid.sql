-- Hand-written (drizzle-kit cannot express WITHOUT ROWID, drizzle-orm#408): the
-- two tables the sign path writes by random text key become clustered on that
-- key, so each new row is one B-tree insert instead of a rowid-table insert plus
-- its primary-key index (issue 16, decision 0024). Same columns, same rows (but orphan tokens).
CREATE TABLE `__new_rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`points` integer DEFAULT 0 NOT NULL,
	`expire` integer
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_rate_limits` (`key`, `points`, `expire`) SELECT `key`, `points`, `expire` FROM `rate_limits`;
--> statement-breakpoint
DROP TABLE `rate_limits`;
--> statement-breakpoint
ALTER TABLE `__new_rate_limits` RENAME TO `rate_limits`;
--> statement-breakpoint
CREATE TABLE `__new_signature_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`signature_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`signature_id`) REFERENCES `signatures`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_signature_tokens` (`token_hash`, `signature_id`, `purpose`, `expires_at`, `created_at`)
	SELECT `token_hash`, `signature_id`, `purpose`, `expires_at`, `created_at` FROM `signature_tokens`
	-- A token whose signature is gone (only possible if someone deleted rows with foreign keys off)
	-- opens nothing; copying it would fail the new table's foreign key and stop the server's start.
	WHERE `signature_id` IN (SELECT `id` FROM `signatures`);
--> statement-breakpoint
DROP TABLE `signature_tokens`;
--> statement-breakpoint
ALTER TABLE `__new_signature_tokens` RENAME TO `signature_tokens`;
--> statement-breakpoint
CREATE INDEX `signature_tokens_signature_idx` ON `signature_tokens` (`signature_id`);
