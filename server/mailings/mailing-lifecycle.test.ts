import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { auditLog, mailingRecipients, mailings } from "@/db/schema";
import { SYSTEM } from "@/server/auth/actor";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { createOrganizer, createPublishedUpdate, createVerifiedSigner } from "@/test/factories";
import { getMailingProgress } from "./get-mailing-progress";
import { getRequireMailingApproval, setRequireMailingApproval } from "./mailing-approval";
import { approveMailing, cancelMailing, confirmMailing } from "./mailing-lifecycle";
import { getMailingAudience, prepareMailing } from "./prepare-mailing";

const T0 = Date.parse("2026-12-03T12:00:00Z");
const TEXTS = { en: { title: "News", body: "Body" } };

describe("a mailing from prepared to sending", () => {
  forbidRealClock();
  let db: AppDatabase;
  setUpTestDatabase((opened) => ({ db } = opened));

  const people = () => ({
    owner: createOrganizer(db, { email: "owner@example.org", role: "owner", now: T0 }),
    alice: createOrganizer(db, { email: "alice@example.org", role: "admin", now: T0 }),
    bob: createOrganizer(db, { email: "bob@example.org", role: "admin", now: T0 }),
    viewer: createOrganizer(db, { email: "viewer@example.org", role: "viewer", now: T0 }),
  });

  it("prepares the exact recipients in one go, and refuses a draft, a second mailing, an empty one and a viewer", async () => {
    const { alice, viewer } = people();
    for (let i = 0; i < 3; i += 1) await createVerifiedSigner(db, { email: `s${i}@example.org`, wantsUpdates: true, now: T0 });
    await createVerifiedSigner(db, { email: "quiet@example.org", wantsUpdates: false, now: T0 });
    const updateId = createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 });
    const draft = createPublishedUpdate(db, { slug: "draft", texts: TEXTS, state: "draft", now: T0 });

    expect(() => prepareMailing({ actor: viewer, updateId, db, now: T0 })).toThrow(/FORBIDDEN/);
    expect(() => prepareMailing({ actor: alice, updateId: draft, db, now: T0 })).toThrow(/updateNotPublished/);
    expect(getMailingAudience({ actor: alice, updateId, db }).recipients).toBe(3);
    const { mailingId, recipientCount } = prepareMailing({ actor: alice, updateId, db, now: T0 });
    expect(recipientCount).toBe(3);
    expect(db.select().from(mailingRecipients).where(eq(mailingRecipients.mailingId, mailingId)).all()).toHaveLength(3);
    expect(() => prepareMailing({ actor: alice, updateId, db, now: T0 })).toThrow(/mailingInProgress/);
    expect(db.select().from(auditLog).where(eq(auditLog.action, "mailing.prepare")).get()).toMatchObject({ actorEmail: "alice@example.org", rowCount: 3 });

    cancelMailing({ actor: alice, mailingId, db, now: T0 });
    db.update(mailingRecipients).set({ state: "sent" }).run();
    expect(() => prepareMailing({ actor: alice, updateId, db, now: T0 })).toThrow(/mailingHasNoRecipients/);
  });

  it("with approval required, waits for a second organizer who neither prepared nor confirmed it", async () => {
    const { owner, alice, bob } = people();
    await createVerifiedSigner(db, { email: "s@example.org", wantsUpdates: true, now: T0 });
    expect(() => setRequireMailingApproval({ actor: alice, required: true, db, now: T0 })).toThrow(/FORBIDDEN/);
    setRequireMailingApproval({ actor: owner, required: true, db, now: T0 });
    expect(getRequireMailingApproval({ db })).toBe(true);

    const { mailingId } = prepareMailing({ actor: alice, updateId: createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }), db, now: T0 });
    expect(confirmMailing({ actor: alice, mailingId, db, now: T0 + 1 })).toBe("awaitingApproval");
    expect(getMailingProgress({ actor: alice, mailingId, db, now: T0 + 2 })).toMatchObject({ state: "awaitingApproval", canApprove: false, confirmedBy: "alice@example.org" });
    expect(getMailingProgress({ actor: bob, mailingId, db, now: T0 + 2 })).toMatchObject({ canApprove: true });

    expect(() => approveMailing({ actor: alice, mailingId, db, now: T0 + 3 })).toThrow(/approverMustDiffer/);
    expect(() => approveMailing({ actor: SYSTEM, mailingId, db, now: T0 + 3 })).toThrow(/approverMustDiffer/);
    expect(db.select({ state: mailings.state }).from(mailings).get()).toEqual({ state: "awaitingApproval" });

    expect(approveMailing({ actor: bob, mailingId, db, now: T0 + 4 })).toBe("sending");
    expect(db.select({ state: mailings.state, approvedBy: mailings.approvedBy, startedAt: mailings.startedAt }).from(mailings).get()).toEqual({
      state: "sending",
      approvedBy: bob.id,
      startedAt: T0 + 4,
    });
    expect(db.select({ action: auditLog.action, actor: auditLog.actorEmail }).from(auditLog).all()).toEqual(
      expect.arrayContaining([
        { action: "settings.requireMailingApproval", actor: "owner@example.org" },
        { action: "mailing.confirm", actor: "alice@example.org" },
        { action: "mailing.approve", actor: "bob@example.org" },
      ]),
    );
    // Approving twice is refused: the state moved on.
    expect(() => approveMailing({ actor: owner, mailingId, db, now: T0 + 5 })).toThrow(/mailingStateChanged/);
  });

  it("without approval required, confirming starts the sending", async () => {
    const { alice } = people();
    await createVerifiedSigner(db, { email: "s@example.org", wantsUpdates: true, now: T0 });
    const { mailingId } = prepareMailing({ actor: alice, updateId: createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }), db, now: T0 });
    expect(confirmMailing({ actor: alice, mailingId, db, now: T0 + 1 })).toBe("sending");
    expect(() => confirmMailing({ actor: alice, mailingId, db, now: T0 + 1 })).toThrow(/mailingStateChanged/);
  });
});
