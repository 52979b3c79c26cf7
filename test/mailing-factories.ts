import { and, eq } from "drizzle-orm";
import type { AppDatabase } from "@/db/client";
import { mailOutbox, signatures, updates, updateTexts, users, type UserRole } from "@/db/schema";
import { normalizeEmail } from "@/lib/email";
import type { Locale } from "@/lib/i18n/locales";
import { parseSignLetter } from "@/lib/schemas/sign-letter";
import type { Actor } from "@/server/auth/actor";
import { confirmSignature } from "@/server/signatures/confirm-signature";
import { signLetter } from "@/server/signatures/sign-letter";

// Test factories for the mailings domain (decision 0022): signers are made
// by the production sign and confirm functions; updates and organizers by
// rows, because their authoring lives elsewhere (the update pages, the
// user CLI with its password hashing).

/** The token of the `path` link in the latest outbox email to this address. */
export function linkTokenFromOutbox(db: AppDatabase, address: string, path: "confirm" | "my" | "withdraw"): string {
  // By the address as typed: the outbox counts recipients only under a daily hash (decision 0019).
  const emails = db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, address)).orderBy(mailOutbox.id).all();
  for (const email of emails.reverse()) {
    const match = new RegExp(`/${path}\\?token=([A-Za-z0-9_-]+)`).exec(email.textBody);
    if (match) return match[1]!;
  }
  throw new Error(`no ${path} link in the emails to ${address}`);
}

export type TestSigner = { id: number; email: string; manageToken: string };

/** Signs (and by default confirms) through the production functions; returns the row id and the private page's token. */
export function createSigner(
  db: AppDatabase,
  options: { email: string; locale?: Locale; wantsUpdates?: boolean; confirm?: boolean; name?: string; country?: string; now: number },
): TestSigner {
  const parsed = parseSignLetter({
    name: options.name ?? "Anna Petrova",
    email: options.email,
    country: options.country ?? "DE",
    acceptPrivacy: "on",
    wantsUpdates: options.wantsUpdates ? "on" : undefined,
    locale: options.locale ?? "en",
  });
  if (!parsed.success) throw new Error(`bad signer fixture: ${JSON.stringify(parsed.errors)}`);
  signLetter({ data: parsed.data, locale: options.locale ?? "en", db, now: options.now });
  if (options.confirm !== false) confirmSignature({ token: linkTokenFromOutbox(db, options.email, "confirm"), db, now: options.now });
  const row = db.select({ id: signatures.id }).from(signatures).where(eq(signatures.emailKey, normalizeEmail(options.email))).get();
  if (!row) throw new Error("the signer fixture left no row");
  return { id: row.id, email: options.email, manageToken: linkTokenFromOutbox(db, options.email, "my") };
}

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

/** An organizer account (no usable password: tests act as them directly). */
export function createOrganizer(db: AppDatabase, options: { email: string; role: UserRole; now: number }): Extract<Actor, { kind: "organizer" }> {
  const existing = db.select({ id: users.id }).from(users).where(and(eq(users.email, options.email))).get();
  const id =
    existing?.id ??
    db
      .insert(users)
      .values({ email: options.email, name: options.email.split("@")[0]!, passwordHash: "!", role: options.role, createdAt: options.now, updatedAt: options.now })
      .returning({ id: users.id })
      .get().id;
  return { kind: "organizer", id, email: options.email, role: options.role };
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
  const { SYSTEM } = await import("@/server/auth/actor");
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
