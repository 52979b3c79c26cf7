import { eq } from "drizzle-orm";
import type { AppDatabase } from "@/db/client";
import { getGroupCommit } from "@/db/group-commit";
import { auditLog, mailOutbox, signatures, statCounters, updates, updateTexts, users, type CounterScope, type MailOutboxRow, type UserRole } from "@/db/schema";
import { normalizeEmail } from "@/lib/email";
import type { Locale } from "@/lib/i18n/locales";
import { parseSignLetter, type SignLetterData } from "@/lib/schemas/sign-letter";
import { LIFECYCLE_COUNTER_SCOPES, type SignatureStatus } from "@/lib/signature-lifecycle";
import type { SignSuspicion } from "@/server/abuse/check-sign-limits";
import { SYSTEM } from "@/server/auth/actor";
import type { Organizer } from "@/server/auth/require-organizer";
import type { SignerEmailLinks } from "@/server/mail/render-email";
import { deliverDueEmails, type MailTransport } from "@/server/mail/outbox-sender";
import { issueOutboxLinks, renderOutboxEmail } from "@/server/mail/render-outbox-email";
import { submitConfirmation, type ConfirmationState } from "@/server/signatures/confirm-signature";
import { recordSignature } from "@/server/signatures/sign-letter";
import { submitSignature, type SubmitSignatureResult } from "@/server/signatures/submit-signature";
import { createOrganizer as createOrganizerWithPassword } from "@/server/users/manage-users";

// The one place unit tests make signers, organizers and campaign state
// (e-petitions' spec/factories.rb, epic-stack's tests/db-utils.ts). Signers
// are made by the functions production runs: `submitSignature` (the form's
// and the API's entry, group commit) and `submitConfirmation` (the button),
// with the links read back from the email the outbox queued for the address.
// Every factory takes the test's `now` and passes it on (decision 0016).
// No vitest import here: a child process (test/workers) uses it too.

// ---------------------------------------------------------------------------
// Signers

/** What a signer types into the form, as the form posts it (checkboxes "on" or true). */
export type SignerFields = {
  name?: string;
  email?: string;
  country?: string;
  city?: string;
  isPublicName?: boolean | string;
  wantsUpdates?: boolean | string;
  locale?: Locale;
  ref?: unknown;
  utm_source?: unknown;
  utm_campaign?: unknown;
};

export type SignOptions = SignerFields & {
  now: number;
  /** The keyed IP hash stored with the signature (what TRUST_PROXY names); none by default. */
  ipHash?: string | null;
  /** What the rate limits count under: by default each signature comes from a client of its own. */
  clientKey?: string;
};

/** A signer, and the links of the newest email the outbox holds for them. */
export type TestSigner = { id: number; email: string; refCode: string; confirmToken: string; manageToken: string; withdrawToken: string };

/** The form's fields parsed as production parses them, over Anna Petrova from Germany (anna@example.org). */
export function signatureData(fields: SignerFields | Record<string, unknown> = {}): SignLetterData {
  const parsed = parseSignLetter({ name: "Anna Petrova", email: "anna@example.org", country: "DE", acceptPrivacy: "on", ...fields });
  if (!parsed.success) throw new Error(`bad signer fixture: ${JSON.stringify(parsed.errors)}`);
  return parsed.data;
}

let clientCount = 0;

function splitSignOptions(options: SignOptions) {
  const { now, ipHash, clientKey, ...fields } = options;
  return { now, ipHash: ipHash ?? null, clientKey: clientKey ?? `test-client-${(clientCount += 1)}`, fields };
}

/**
 * Signs through `submitSignature` as the form without JavaScript does (no
 * proof of work asked, the rate limits counted); resolves to its answer
 * once the signature is on disk.
 */
export function submitTestSignature(db: AppDatabase, options: SignOptions): Promise<SubmitSignatureResult> {
  const { now, ipHash, clientKey, fields } = splitSignOptions(options);
  return submitSignature({ data: signatureData(fields), via: "form", client: { ipHash, rateLimitKey: clientKey }, db, now });
}

/**
 * Stores a signature as `submitSignature` does once the bot checks and rate
 * limits have answered, flagged when `suspicion` says so: for tests that
 * decide the limits' verdict themselves.
 */
export async function recordCheckedSignature(db: AppDatabase, options: SignOptions & { suspicion?: SignSuspicion }): Promise<void> {
  const { suspicion, ...signOptions } = options;
  const { now, ipHash, fields } = splitSignOptions(signOptions);
  await getGroupCommit(db).run((tx) => recordSignature(tx, { data: signatureData(fields), ipHash, suspicion, now }));
}

/** A signature that waits for its confirmation (e-petitions' `:pending_signature`), with the links of its email. */
export async function createPendingSigner(db: AppDatabase, options: SignOptions): Promise<TestSigner> {
  const result = await submitTestSignature(db, options);
  if (result.outcome !== "accepted") throw new Error(`the signature fixture was refused: ${JSON.stringify(result)}`);
  return findTestSigner(db, options.email ?? "anna@example.org");
}

/** A signature confirmed through the confirmation button at `confirmAt` (default `now`): e-petitions' `:validated_signature`. */
export async function createVerifiedSigner(db: AppDatabase, options: SignOptions & { confirmAt?: number }): Promise<TestSigner> {
  const { confirmAt, ...signOptions } = options;
  const signer = await createPendingSigner(db, signOptions);
  await submitConfirmation({ token: signer.confirmToken, db, now: confirmAt ?? options.now });
  return signer;
}

/** Presses the confirmation button with the link of the newest confirmation email to `address`. */
export function confirmFromEmail(db: AppDatabase, address: string, now: number): Promise<ConfirmationState> {
  return submitConfirmation({ token: linkTokenFromOutbox(db, address, "confirm"), db, now });
}

/** The signature of `address` (any spelling of it) and the links of the newest emails to the address on file. */
export function findTestSigner(db: AppDatabase, address: string): TestSigner {
  const row = db
    .select({ id: signatures.id, email: signatures.email, refCode: signatures.refCode })
    .from(signatures)
    .where(eq(signatures.emailKey, normalizeEmail(address)))
    .get();
  if (!row) throw new Error(`no signature for ${address}`);
  return {
    id: row.id,
    email: row.email,
    refCode: row.refCode,
    confirmToken: linkTokenFromOutbox(db, row.email, "confirm"),
    manageToken: linkTokenFromOutbox(db, row.email, "my"),
    withdrawToken: linkTokenFromOutbox(db, row.email, "withdraw"),
  };
}

// ---------------------------------------------------------------------------
// The outbox

/**
 * The emails queued to exactly `address`, oldest first, each with the
 * subject and bodies the sender will send (a signer's email is stored as its
 * template's values and rendered when sent, decision 0026). Read by the
 * address in clear, which a queued email keeps until it is sent: the outbox
 * counts recipients only under a daily hash (decision 0019). Mail goes to
 * the address on file, spelled as first typed.
 */
export function emailsTo(db: AppDatabase, address: string) {
  return db
    .select()
    .from(mailOutbox)
    .where(eq(mailOutbox.toAddress, address))
    .orderBy(mailOutbox.id)
    .all()
    .map((row) => withRenderedEmail(db, row));
}

const linksMadeInTests = new WeakMap<AppDatabase, Map<number, SignerEmailLinks | null>>();

/**
 * An outbox row with `subject`, `textBody` and `htmlBody` as the sender will
 * send them. A signer's email gets its links as the sender would give them
 * had it sent the email when it was queued (`issueOutboxLinks` at the row's
 * `createdAt`, decision 0029), once per row: reading it again gives the
 * same links.
 */
export function withRenderedEmail(db: AppDatabase, row: MailOutboxRow): MailOutboxRow {
  let made = linksMadeInTests.get(db);
  if (!made) linksMadeInTests.set(db, (made = new Map()));
  if (!made.has(row.id)) made.set(row.id, issueOutboxLinks(db, row, row.createdAt)?.links ?? null);
  const email = renderOutboxEmail(row, made.get(row.id));
  return { ...row, subject: email.subject, textBody: email.text, htmlBody: email.html };
}

/** An email as the outbox sender handed it to the transport. */
export type DeliveredEmail = Parameters<MailTransport["sendMail"]>[0];

/**
 * Sends every email due at `now` as the outbox sender does (its claim makes
 * a signer's links, decision 0029; the row is blanked once sent), to a
 * transport that keeps them in memory; returns what was sent.
 */
export async function deliverQueuedEmails(db: AppDatabase, now: number): Promise<DeliveredEmail[]> {
  const delivered: DeliveredEmail[] = [];
  const transport: MailTransport = {
    sendMail: async (message) => {
      delivered.push(message);
    },
  };
  while ((await deliverDueEmails({ transport, from: "no-reply@app.test", db, now: () => now })).claimed > 0);
  return delivered;
}

/** The token of the `path` link in the newest email to `address` that has one, or in its `nth` email (oldest first). */
export function linkTokenFromOutbox(db: AppDatabase, address: string, path: "confirm" | "my" | "withdraw", options: { nth?: number } = {}): string {
  const link = new RegExp(`/${path}\\?token=([A-Za-z0-9_-]+)`);
  const emails = emailsTo(db, address);
  const candidates = options.nth === undefined ? emails.reverse() : emails.slice(options.nth, options.nth + 1);
  for (const email of candidates) {
    const match = link.exec(email.textBody);
    if (match) return match[1]!;
  }
  throw new Error(`no ${path} link in ${options.nth === undefined ? "the emails" : `email ${options.nth}`} to ${address}`);
}

// ---------------------------------------------------------------------------
// Audit log

/** The audit rows of one action, oldest first. */
export function readAuditRows(db: AppDatabase, action: string) {
  return db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(auditLog.id).all();
}

// ---------------------------------------------------------------------------
// Counters

/** Every non-zero counter, as `scope:key` → count: a missing row and a zero row both mean 0. */
export function readCounters(db: AppDatabase): Record<string, number> {
  const result: Record<string, number> = {};
  for (const row of db.select().from(statCounters).all()) if (row.count !== 0) result[`${row.scope}:${row.key}`] = row.count;
  return result;
}

/** One counter (0 when it has no row). */
export function readCounter(db: AppDatabase, scope: CounterScope, key: string): number {
  return readCounters(db)[`${scope}:${key}`] ?? 0;
}

const RECOUNT_QUERIES = [
  "select 'total:' as k, count(*) as n from signatures where status = 'verified'",
  "select 'country:' || country as k, count(*) as n from signatures where status = 'verified' group by country",
  "select 'day:' || strftime('%Y-%m-%d', verified_at / 1000, 'unixepoch') as k, count(*) as n from signatures where status = 'verified' group by 1",
  "select 'status:' || status as k, count(*) as n from signatures group by status",
  "select 'ref:' || referred_by as k, count(*) as n from signatures where status = 'verified' and referred_by is not null group by referred_by",
  "select 'utm:' || utm_source as k, count(*) as n from signatures where status = 'verified' and utm_source is not null group by utm_source",
];

/**
 * What the lifecycle's counters must be, counted again from the rows with
 * SQL of its own (not with lib/signature-lifecycle.ts, which it checks).
 */
export function recountCounters(db: AppDatabase): Record<string, number> {
  const result: Record<string, number> = {};
  for (const query of RECOUNT_QUERIES) {
    for (const row of db.$client.prepare(query).all() as { k: string; n: number }[]) if (row.n !== 0) result[row.k] = row.n;
  }
  return result;
}

/** Counter rows as a campaign would have them, for tests that read only the numbers (exports, press kit). */
export function seedCounters(db: AppDatabase, rows: { scope: CounterScope; key: string; count: number }[]): void {
  db.insert(statCounters).values(rows).run();
}

// ---------------------------------------------------------------------------
// Many signatures at once

export type SignatureRowFixture = {
  name?: string;
  email?: string;
  country?: string;
  city?: string | null;
  isPublicName?: boolean;
  status?: SignatureStatus;
  ipHash?: string | null;
  createdAt?: number;
  verifiedAt?: number | null;
};

/**
 * Inserts finished signature rows straight into the table with one prepared
 * statement in one transaction (200,000 rows in about a second), for tests
 * of exports that need more rows than signing one by one allows; then sets
 * the lifecycle's counters to a recount, as the transitions would have left
 * them. Defaults: `signer<id>@example.org`, "Signer <id>" from Germany in
 * "Secret City" (a city no public output may show), verified a minute after
 * signing at `now`. Returns how many rows it inserted.
 */
export function insertSignatureRows(db: AppDatabase, rows: Iterable<SignatureRowFixture>, options: { now: number }): number {
  const client = db.$client;
  const insert = client.prepare(
    `INSERT INTO signatures (email, email_key, name, country, city, is_public_name, wants_updates, locale, status, ref_code, consent_version, ip_hash, created_at, verified_at)
     VALUES (?, ?, ?, ?, ?, ?, 0, 'en', ?, ?, 'v1', ?, ?, ?)`,
  );
  const base = (client.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM signatures").get() as { id: number }).id;
  let count = 0;
  client.transaction(() => {
    for (const row of rows) {
      count += 1;
      const n = base + count;
      const status = row.status ?? "verified";
      const createdAt = row.createdAt ?? options.now;
      const email = row.email ?? `signer${n}@example.org`;
      const verifiedAt = row.verifiedAt === undefined ? (status === "pending" ? null : createdAt + 60_000) : row.verifiedAt;
      const city = row.city === undefined ? "Secret City" : row.city;
      const isPublicName = row.isPublicName ? 1 : 0;
      insert.run(email, email.toLowerCase(), row.name ?? `Signer ${n}`, row.country ?? "DE", city, isPublicName, status, `ref${n}`, row.ipHash ?? null, createdAt, verifiedAt);
    }
    const scopes = LIFECYCLE_COUNTER_SCOPES.map((scope) => `'${scope}'`).join(", ");
    client.prepare(`DELETE FROM stat_counters WHERE scope IN (${scopes})`).run();
    const upsert = client.prepare("INSERT INTO stat_counters (scope, key, count) VALUES (?, ?, ?)");
    for (const [scopeKey, n] of Object.entries(recountCounters(db))) {
      const colon = scopeKey.indexOf(":");
      upsert.run(scopeKey.slice(0, colon), scopeKey.slice(colon + 1), n);
    }
  })();
  return count;
}

// ---------------------------------------------------------------------------
// Organizers

/**
 * An organizer account as `npm run user:create` leaves it, for tests that act
 * as one: a row without a usable password (no argon2 hash to compute) and
 * without the `organizer.create` audit row (tests of other audit trails
 * count theirs). The same email gives the same account.
 */
export function createOrganizer(db: AppDatabase, options: { role: UserRole; email?: string; name?: string; now: number }): Organizer {
  const email = options.email ?? `${options.role}@organizers.example`;
  const name = options.name ?? email.split("@")[0]!;
  const existing = db.select().from(users).where(eq(users.email, email)).get();
  const user =
    existing ??
    db.insert(users).values({ email, name, passwordHash: "!", role: options.role, createdAt: options.now, updatedAt: options.now }).returning().get();
  return { kind: "organizer", id: user.id, email: user.email, role: user.role, name: user.name };
}

export const TEST_ORGANIZER_PASSWORD = "a long enough password";

/** An organizer who can sign in: made by the production account code (argon2 hash, audit row). */
export async function createOrganizerAccount(
  db: AppDatabase,
  options: { email: string; role: UserRole; password?: string; now: number },
): Promise<Organizer> {
  const created = await createOrganizerWithPassword({
    actor: SYSTEM,
    input: { email: options.email, password: options.password ?? TEST_ORGANIZER_PASSWORD, role: options.role },
    db,
    now: options.now,
  });
  return { kind: "organizer", id: created.id, email: created.email, role: created.role, name: created.name };
}

// ---------------------------------------------------------------------------
// Updates and mailings (decision 0022)

/** A published update with a title and Markdown body per locale, as the authoring pages would leave it. */
export function createPublishedUpdate(
  db: AppDatabase,
  options: { slug: string; texts: Partial<Record<Locale, { title: string; body: string }>>; state?: "draft" | "published"; now: number },
): number {
  const published = (options.state ?? "published") === "published";
  const update = db
    .insert(updates)
    .values({
      slug: options.slug,
      kind: "news",
      state: options.state ?? "published",
      createdAt: options.now,
      updatedAt: options.now,
      publishedAt: published ? options.now : null,
    })
    .returning({ id: updates.id })
    .get();
  for (const [locale, text] of Object.entries(options.texts)) {
    db.insert(updateTexts).values({ updateId: update.id, locale, title: text.title, body: text.body }).run();
  }
  return update.id;
}

/**
 * Mails a fresh published update to every subscribed signer through the
 * production mailing code (prepare, confirm, the runner), capturing the raw
 * messages instead of sending them; returns each recipient's unsubscribe
 * token (from the List-Unsubscribe header) and raw message.
 */
export async function mailUpdateAndCapture(db: AppDatabase, options: { now: number; slug?: string }): Promise<Map<string, { token: string; raw: string }>> {
  const { prepareMailing } = await import("@/server/mailings/prepare-mailing");
  const { confirmMailing } = await import("@/server/mailings/mailing-lifecycle");
  const { createMailingRunner } = await import("@/server/mailings/mailing-sender");
  const { createMailThrottle } = await import("@/server/mail/mail-throttle");
  const updateId = createPublishedUpdate(db, {
    slug: options.slug ?? `update-${options.now}`,
    texts: { en: { title: "News", body: "Something happened." }, ru: { title: "Новости", body: "Кое-что произошло." } },
    now: options.now,
  });
  const { mailingId } = prepareMailing({ actor: SYSTEM, updateId, db, now: options.now });
  confirmMailing({ actor: SYSTEM, mailingId, db, now: options.now });
  const captured = new Map<string, { token: string; raw: string }>();
  const runner = createMailingRunner({
    transport: {
      async sendMail(message) {
        const token = /^List-Unsubscribe:\s*<[^>]*[?&]token=([\w-]+)>/im.exec(message.raw.replace(/\r\n\s+/g, " "))?.[1];
        if (!token) throw new Error("no List-Unsubscribe token in the message");
        captured.set(message.envelope.to, { token, raw: message.raw });
      },
    },
    from: '"Undersigned" <no-reply@app.test>',
    db,
    now: () => options.now,
    throttle: createMailThrottle(0),
    appUrl: "http://app.test",
  });
  for (let step = 0; step < 1000 && (await runner.step()).mailingId !== null; step += 1);
  return captured;
}
