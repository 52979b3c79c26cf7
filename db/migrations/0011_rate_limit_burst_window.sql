ALTER TABLE `rate_limits` ADD `burst_points` integer;--> statement-breakpoint
ALTER TABLE `rate_limits` ADD `burst_expire` integer;