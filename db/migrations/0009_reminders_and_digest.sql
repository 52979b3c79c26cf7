ALTER TABLE `signatures` ADD `reminded_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `digest_locale` text;--> statement-breakpoint
ALTER TABLE `users` ADD `digest_sent_on` text;