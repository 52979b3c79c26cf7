CREATE TABLE `mailing_recipients` (
	`mailing_id` integer NOT NULL,
	`signature_id` integer NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`changed_at` integer NOT NULL,
	`last_error` text,
	PRIMARY KEY(`mailing_id`, `signature_id`),
	FOREIGN KEY (`mailing_id`) REFERENCES `mailings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`signature_id`) REFERENCES `signatures`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `mailing_recipients_state_idx` ON `mailing_recipients` (`mailing_id`,`state`,`changed_at`);--> statement-breakpoint
CREATE TABLE `mailings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`update_id` integer NOT NULL,
	`state` text DEFAULT 'prepared' NOT NULL,
	`content` text NOT NULL,
	`message_key` text NOT NULL,
	`recipient_count` integer NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`confirmed_by` integer,
	`confirmed_at` integer,
	`approved_by` integer,
	`approved_at` integer,
	`started_at` integer,
	`finished_at` integer,
	`runner_id` text,
	`runner_until` integer,
	`resent_after_crash` integer DEFAULT 0 NOT NULL,
	`pause_reason` text,
	FOREIGN KEY (`update_id`) REFERENCES `updates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`confirmed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`approved_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `mailings_update_idx` ON `mailings` (`update_id`);--> statement-breakpoint
CREATE INDEX `mailings_state_idx` ON `mailings` (`state`);--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `headers` text;--> statement-breakpoint
ALTER TABLE `signatures` ADD `unsubscribed_at` integer;--> statement-breakpoint
ALTER TABLE `signatures` ADD `undeliverable_at` integer;--> statement-breakpoint
ALTER TABLE `signatures` ADD `undeliverable_reason` text;--> statement-breakpoint
CREATE INDEX `signatures_subscribers_idx` ON `signatures` (`id`) WHERE "signatures"."status" = 'verified' and "signatures"."wants_updates" = 1 and "signatures"."undeliverable_at" is null;--> statement-breakpoint
CREATE INDEX `signatures_unsubscribed_idx` ON `signatures` (`id`) WHERE "signatures"."unsubscribed_at" is not null;--> statement-breakpoint
CREATE INDEX `signatures_undeliverable_idx` ON `signatures` (`id`) WHERE "signatures"."undeliverable_at" is not null;