CREATE TABLE `partner_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`label` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `partner_codes_code_unique` ON `partner_codes` (`code`);--> statement-breakpoint
ALTER TABLE `signatures` ADD `utm_source` text;--> statement-breakpoint
ALTER TABLE `signatures` ADD `utm_campaign` text;