import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
// Relative paths: drizzle-kit loads this file without the app's path aliases.
import { USER_ROLES, type UserRole } from "../lib/organizer-roles";
import { COUNTER_SCOPES, SIGNATURE_STATUSES, type CounterScope, type SignatureStatus } from "../lib/signature-lifecycle";

// The lists are declared once, where the browser-safe code can read them too:
// statuses, transitions and counters in lib/signature-lifecycle.ts, roles in
// lib/organizer-roles.ts (decision 0023).
export { COUNTER_SCOPES, SIGNATURE_STATUSES, USER_ROLES, type CounterScope, type SignatureStatus, type UserRole };

export const signatures = sqliteTable(
  "signatures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** As typed (trimmed): what mail is sent to. */
    email: text("email").notNull(),
    /** Normalised address; the unique key that makes one signature per person. */
    emailKey: text("email_key").notNull(),
    name: text("name").notNull(),
    /** ISO 3166-1 alpha-2. */
    country: text("country").notNull(),
    city: text("city"),
    isPublicName: integer("is_public_name", { mode: "boolean" }).notNull().default(false),
    wantsUpdates: integer("wants_updates", { mode: "boolean" }).notNull().default(false),
    locale: text("locale").notNull(),
    status: text("status", { enum: SIGNATURE_STATUSES }).notNull().default("pending"),
    /** The signer's own share code (sharing issue); random, says nothing about the signer. */
    refCode: text("ref_code").notNull(),
    /** The ref code (a signer's or a partner's) the signature arrived through; counted when verified. */
    referredBy: text("referred_by"),
    utmSource: text("utm_source"),
    utmCampaign: text("utm_campaign"),
    consentVersion: text("consent_version").notNull(),
    /** Keyed hash of the client IP, never the address itself. */
    ipHash: text("ip_hash"),
    createdAt: integer("created_at").notNull(),
    verifiedAt: integer("verified_at"),
    /** Set when an organizer invalidates the signature (fraud); cleared by a restore. */
    invalidatedAt: integer("invalidated_at"),
    invalidationReason: text("invalidation_reason"),
    invalidatedBy: integer("invalidated_by"),
    /** When the signer withdrew; their personal data is erased at that moment, the row stays for the counts. */
    withdrawnAt: integer("withdrawn_at"),
    /**
     * When the signer turned campaign updates off (the link in an update, a
     * one-click unsubscribe, their private page); null while they are on or
     * were never asked for. `wants_updates` is the switch; this tells
     * "unsubscribed" from "never subscribed" for the organizers' counts.
     */
    unsubscribedAt: integer("unsubscribed_at"),
    /**
     * When a mail server refused this address for good (an SMTP 5xx): no
     * update or reminder goes to it any more (decision 0022).
     */
    undeliverableAt: integer("undeliverable_at"),
    /** The refusal's SMTP code (e.g. "550 5.1.1"), never the server's text. */
    undeliverableReason: text("undeliverable_reason"),
    /**
     * When the one reminder to confirm was queued (decision 0022, "One
     * reminder"): set in the transaction that queues it, and never cleared,
     * so a signature gets at most one.
     */
    remindedAt: integer("reminded_at"),
  },
  (table) => [
    uniqueIndex("signatures_email_key_unique").on(table.emailKey),
    uniqueIndex("signatures_ref_code_unique").on(table.refCode),
    // Serves the public list: verified + public, newest first, keyset on (verified_at, id).
    index("signatures_public_list_idx").on(table.status, table.isPublicName, table.verifiedAt, table.id),
    index("signatures_created_at_idx").on(table.createdAt),
    // Who an update goes to, and the organizers' counts (decision 0022). Partial
    // indexes: a new (pending, subscribed-to-nothing-yet) signature is in none
    // of them, so the sign path writes no extra index entry.
    index("signatures_subscribers_idx")
      .on(table.id)
      .where(sql`${table.status} = 'verified' and ${table.wantsUpdates} = 1 and ${table.undeliverableAt} is null`),
    index("signatures_unsubscribed_idx").on(table.id).where(sql`${table.unsubscribedAt} is not null`),
    index("signatures_undeliverable_idx").on(table.id).where(sql`${table.undeliverableAt} is not null`),
  ],
);

/**
 * confirm: verifies; manage: the signer's private page (their share link and its count); withdraw: the
 * link every email ends with; unsubscribe: the links of one update email (stop updates, or withdraw).
 */
export const TOKEN_PURPOSES = ["confirm", "manage", "withdraw", "unsubscribe"] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** Perishable tokens sent by email; only their SHA-256 is stored. */
export const signatureTokens = sqliteTable(
  "signature_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    signatureId: integer("signature_id")
      .notNull()
      .references(() => signatures.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: TOKEN_PURPOSES }).notNull(),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("signature_tokens_signature_idx").on(table.signatureId)],
);

/**
 * The public numbers (and the organizers' per-status, per-referral and
 * per-source ones), moved in the same transaction that creates, changes or
 * deletes a signature, so nothing public ever counts rows. Which signature
 * is in which counter: lib/signature-lifecycle.ts.
 */
export const statCounters = sqliteTable(
  "stat_counters",
  {
    scope: text("scope", { enum: COUNTER_SCOPES }).notNull(),
    key: text("key").notNull(),
    count: integer("count").notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.scope, table.key] })],
);

export const MAIL_STATUSES = ["queued", "sent", "failed"] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** Transactional outbox: every email is written with the change that causes it. */
export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    /** Blank once sent or given up, with the subject, bodies and locale (decision 0019). */
    toAddress: text("to_address").notNull(),
    /** Keyed hash of the normalised address under the day's key, for the per-address daily cap; blanked when that key is destroyed (decision 0019). */
    recipientKey: text("recipient_key").notNull(),
    locale: text("locale").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    /** Stable across retries so a repeat after a crash can be dropped by mail systems. */
    messageId: text("message_id").notNull(),
    /** Extra headers as a JSON object (an update's test send carries List-Unsubscribe); null for most. */
    headers: text("headers"),
    /**
     * A signer's email (confirm, already signed, reminder) is stored as the values of its template, a JSON
     * object (`SignerEmailValues`), and rendered when sent; subject and bodies are then empty (decision 0026).
     * Null for an email stored rendered. Blanked with the rest once sent.
     */
    templateValues: text("template_values"),
    status: text("status", { enum: MAIL_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lockedUntil: integer("locked_until"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
    /** The signature the email is about, while it waits to be sent (a withdrawal deletes it); null once sent. */
    signatureId: integer("signature_id"),
  },
  (table) => [
    uniqueIndex("mail_outbox_message_id_unique").on(table.messageId),
    index("mail_outbox_due_idx").on(table.status, table.nextAttemptAt),
    index("mail_outbox_recipient_idx").on(table.recipientKey, table.createdAt),
    index("mail_outbox_signature_idx").on(table.signatureId),
  ],
);

export type Signature = typeof signatures.$inferSelect;
export type NewSignature = typeof signatures.$inferInsert;
export type MailOutboxRow = typeof mailOutbox.$inferSelect;

/** Organizers. Passwords are argon2id hashes; a disabled account cannot sign in or act. */
export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Lower-cased. */
    email: text("email").notNull(),
    name: text("name").notNull().default(""),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: USER_ROLES }).notNull(),
    isDisabled: integer("is_disabled", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    lastLoginAt: integer("last_login_at"),
    /** Base32 TOTP secret once the organizer has set up a second factor (null: none). */
    totpSecret: text("totp_secret"),
    /** JSON array of SHA-256 hashes of unused recovery codes. */
    recoveryCodeHashes: text("recovery_code_hashes"),
    /** Raised by every change that must end the account's sessions; a session holds the value it signed in with (decision 0018). */
    sessionVersion: integer("session_version").notNull().default(0),
    /** The last 30-second TOTP step accepted: a code of that step or an earlier one is refused (decision 0018). */
    totpLastStep: integer("totp_last_step"),
    /** The language of the organizer's daily digest; null: they get none (decision 0025). */
    digestLocale: text("digest_locale"),
    /** The UTC day (YYYY-MM-DD) of the last digest queued for them: set in the same transaction, so one a day. */
    digestSentOn: text("digest_sent_on"),
  },
  (table) => [uniqueIndex("users_email_unique").on(table.email)],
);

/** Who did what, when: logins, exports with their filters, invalidations, role changes. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    actorUserId: integer("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    /** Kept as written at the time, so the log still reads after an account is removed. */
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    /** JSON: filters, reasons, before/after. Never a signer's email address. */
    details: text("details"),
    rowCount: integer("row_count"),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [
    index("audit_log_created_at_idx").on(table.createdAt),
    index("audit_log_action_idx").on(table.action, table.createdAt),
    // A withdrawal finds the signature's rows to drop their IP hash (decision 0019).
    index("audit_log_target_idx").on(table.targetType, table.targetId),
  ],
);

export type User = typeof users.$inferSelect;
export type AuditLogRow = typeof auditLog.$inferSelect;

/**
 * Fixed-window counters (server/abuse/consume-rate-point.ts), so limits hold
 * across processes: `points` until `expire`, and for a client's sign limits
 * a shorter burst window beside it in the same row (decision 0024). A
 * WITHOUT ROWID table clustered on `key` (migration 0010).
 */
export const rateLimits = sqliteTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull().default(0),
  expire: integer("expire"),
  burstPoints: integer("burst_points"),
  burstExpire: integer("burst_expire"),
});

/** Codes organizers hand to partners (a diaspora organisation, a newspaper) to see what they bring. */
export const partnerCodes = sqliteTable(
  "partner_codes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    label: text("label").notNull(),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [uniqueIndex("partner_codes_code_unique").on(table.code)],
);

export type PartnerCode = typeof partnerCodes.$inferSelect;

/** Settings an owner changes in the admin area (e.g. requiring a second factor for everyone). */
export const appSettings = sqliteTable("app_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

// ---------------------------------------------------------------------------
// Talking to signers (issue 15, decision 0021): updates, mailings, unsubscribes, bounces.

/** What an update is about; `authorChange` also shows on that author's card. */
export const UPDATE_KINDS = ["news", "delivery", "authorChange", "hearing"] as const;
export type UpdateKind = (typeof UPDATE_KINDS)[number];

/** An update is written as a draft and published once; edits after that are kept as revisions. */
export const UPDATE_STATES = ["draft", "published"] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

/** What happened to one of the authors (kind `authorChange`). */
export const AUTHOR_CHANGES = ["released", "moved", "newSentence"] as const;
export type AuthorChange = (typeof AUTHOR_CHANGES)[number];

/** Campaign news written by organizers: shown at /{locale}/updates and sent to subscribed signers. */
export const updates = sqliteTable(
  "updates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The public URL's last segment (/{locale}/updates/{slug}); fixed at creation. */
    slug: text("slug").notNull(),
    kind: text("kind", { enum: UPDATE_KINDS }).notNull(),
    state: text("state", { enum: UPDATE_STATES }).notNull().default("draft"),
    /** `delivery`: the institution the letter was handed to; `hearing`: where it takes place. */
    institution: text("institution"),
    /** `delivery`/`hearing`/`authorChange`: the day it happened or will happen (YYYY-MM-DD). */
    eventOn: text("event_on"),
    /** `authorChange`: the signatory id from content/campaign.json, and what changed. */
    authorId: text("author_id"),
    authorChange: text("author_change", { enum: AUTHOR_CHANGES }),
    /** Counts every saved edit; revisions keep each published version. */
    revision: integer("revision").notNull().default(1),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    publishedAt: integer("published_at"),
  },
  (table) => [uniqueIndex("updates_slug_unique").on(table.slug), index("updates_published_idx").on(table.state, table.publishedAt)],
);

/** An update's title and Markdown body in one locale; at least one locale per update. */
export const updateTexts = sqliteTable(
  "update_texts",
  {
    updateId: integer("update_id")
      .notNull()
      .references(() => updates.id, { onDelete: "cascade" }),
    locale: text("locale").notNull(),
    title: text("title").notNull(),
    /** Markdown (a safe subset, rendered on the server; raw HTML is shown as text). */
    body: text("body").notNull(),
  },
  (table) => [primaryKey({ columns: [table.updateId, table.locale] })],
);

/** Every saved version of a published update, as JSON (fields and texts), with who saved it. */
export const updateRevisions = sqliteTable(
  "update_revisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    updateId: integer("update_id")
      .notNull()
      .references(() => updates.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    snapshot: text("snapshot").notNull(),
    editedBy: integer("edited_by").references(() => users.id, { onDelete: "set null" }),
    editedAt: integer("edited_at").notNull(),
  },
  (table) => [uniqueIndex("update_revisions_unique").on(table.updateId, table.revision)],
);

export type Update = typeof updates.$inferSelect;
export type UpdateText = typeof updateTexts.$inferSelect;
/**
 * One random key per UTC day for the keyed hashes of client IPs and mail
 * recipients (decision 0019). Deleted (with secure_delete, then a WAL
 * checkpoint) soon after its day ends: from then on no stored hash of that
 * day can be linked to an address, whoever holds the database and AUTH_SECRET.
 */
export const dailyHashKeys = sqliteTable("daily_hash_keys", {
  /** Days since 1970-01-01, UTC. */
  day: integer("day").primaryKey(),
  secret: blob("secret", { mode: "buffer" }).notNull(),
  createdAt: integer("created_at").notNull(),
});

export const MAINTENANCE_OUTCOMES = ["ok", "failed", "skipped"] as const;
export type MaintenanceOutcome = (typeof MAINTENANCE_OUTCOMES)[number];

/** One row per maintenance task run, scheduled or by hand (decision 0019). Counts only, never personal data. */
export const maintenanceRuns = sqliteTable(
  "maintenance_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    task: text("task").notNull(),
    /** "schedule" (the server) or "manual" (the command line). */
    trigger: text("trigger").notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at").notNull(),
    outcome: text("outcome", { enum: MAINTENANCE_OUTCOMES }).notNull(),
    /** JSON: what the task did (counts, file names). */
    summary: text("summary"),
    error: text("error"),
  },
  (table) => [index("maintenance_runs_started_at_idx").on(table.startedAt)],
);

export type MaintenanceRun = typeof maintenanceRuns.$inferSelect;

/** Who runs maintenance now: one row per lease, so two app processes never run it at once. */
export const maintenanceLeases = sqliteTable("maintenance_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

/**
 * A mailing's life (decision 0022): prepared (recipients fixed, nothing sent)
 * → awaitingApproval (when owners require a second organizer) → sending ⇄
 * paused → done; cancelled from any state before done.
 */
export const MAILING_STATES = ["prepared", "awaitingApproval", "sending", "paused", "done", "cancelled"] as const;
export type MailingState = (typeof MAILING_STATES)[number];

/** One sending of a published update to the signers subscribed when it was prepared. */
export const mailings = sqliteTable(
  "mailings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    updateId: integer("update_id")
      .notNull()
      .references(() => updates.id),
    state: text("state", { enum: MAILING_STATES }).notNull().default("prepared"),
    /** JSON: the update's slug and its title and body per locale, as they were when prepared. */
    content: text("content").notNull(),
    /** Random; keys the recipients' Message-IDs (stable per recipient, say nothing about them). */
    messageKey: text("message_key").notNull(),
    /** Ledger rows written when prepared: the exact number shown before confirming. */
    recipientCount: integer("recipient_count").notNull(),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    confirmedBy: integer("confirmed_by").references(() => users.id, { onDelete: "set null" }),
    confirmedAt: integer("confirmed_at"),
    approvedBy: integer("approved_by").references(() => users.id, { onDelete: "set null" }),
    approvedAt: integer("approved_at"),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    /** The process sending it and until when it holds it (a lease: another takes over after a crash). */
    runnerId: text("runner_id"),
    runnerUntil: integer("runner_until"),
    /** Emails that were being sent when a sender died and were sent again (same Message-ID). */
    resentAfterCrash: integer("resent_after_crash").notNull().default(0),
    /** Why the sender paused it by itself (e.g. "refusals": the server refused many addresses in a row); null when an organizer did. */
    pauseReason: text("pause_reason"),
  },
  (table) => [index("mailings_update_idx").on(table.updateId), index("mailings_state_idx").on(table.state)],
);

/** queued → sending (claimed by the runner) → sent | failed (5xx, or retries spent) | skipped (no longer subscribed). */
export const MAILING_RECIPIENT_STATES = ["queued", "sending", "sent", "failed", "skipped"] as const;
export type MailingRecipientState = (typeof MAILING_RECIPIENT_STATES)[number];

/**
 * The per-signature ledger of a mailing: one row per recipient, so one
 * email (one Message-ID) per signer per mailing is a database fact.
 */
export const mailingRecipients = sqliteTable(
  "mailing_recipients",
  {
    mailingId: integer("mailing_id")
      .notNull()
      .references(() => mailings.id, { onDelete: "cascade" }),
    signatureId: integer("signature_id")
      .notNull()
      .references(() => signatures.id, { onDelete: "cascade" }),
    state: text("state", { enum: MAILING_RECIPIENT_STATES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    /** queued: when it may be sent (backoff after a temporary failure); otherwise when it reached its state. */
    changedAt: integer("changed_at").notNull(),
    /** SMTP code or error class only. */
    lastError: text("last_error"),
  },
  (table) => [
    primaryKey({ columns: [table.mailingId, table.signatureId] }),
    index("mailing_recipients_state_idx").on(table.mailingId, table.state, table.changedAt),
  ],
);

export type Mailing = typeof mailings.$inferSelect;
export type MailingRecipient = typeof mailingRecipients.$inferSelect;
