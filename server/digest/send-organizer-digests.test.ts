import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase, type AppDatabase } from "@/db/client";
import { auditLog, mailOutbox, users } from "@/db/schema";
import { SYSTEM } from "@/server/auth/actor";
import { deliverDueEmails } from "@/server/mail/outbox-sender";
import { runMaintenance } from "@/server/maintenance/run-maintenance";
import { confirmMailing } from "@/server/mailings/mailing-lifecycle";
import { prepareMailing } from "@/server/mailings/prepare-mailing";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { createOrganizer, createPendingSigner, createPublishedUpdate, createVerifiedSigner, recordCheckedSignature } from "@/test/factories";
import { setUpSmtpSink, type SmtpSink, type SmtpTransport, type SunkEmail } from "@/test/smtp-sink";
import { getDigestPreference, updateDigestPreference } from "./digest-preference";
import { DIGEST_HOUR_UTC, sendOrganizerDigests } from "./send-organizer-digests";

const HOUR = 60 * 60 * 1000;
/** The day the digests report on (UTC), and the morning after, when they go out. */
const DAY_REPORTED = Date.parse("2026-12-06T00:00:00Z");
const MORNING = Date.parse("2026-12-07T06:00:00Z");
const FROM = '"Undersigned" <no-reply@app.test>';

/** Twelve countries with new signatures on the day reported: ten are named, two summed. */
const NEW_BY_COUNTRY: [string, number][] = [
  ["DE", 3],
  ["UA", 2],
  ...["FR", "PL", "GB", "LT", "LV", "EE", "FI", "SE", "NO", "CZ"].map((code): [string, number] => [code, 1]),
];

describe("the organizers' daily digest", () => {
  forbidRealClock();
  let db: AppDatabase;
  let filePath: string | undefined;
  let sink: SmtpSink;
  let transport: SmtpTransport;
  setUpTestDatabase((opened) => ({ db, filePath } = opened), { file: true });
  setUpSmtpSink((opened) => ({ sink, transport } = opened));

  /** A campaign with a day to report: confirmations, a flagged burst, a mailing under way. */
  async function seedCampaign() {
    let n = 0;
    await createVerifiedSigner(db, { email: "before@example.org", name: "Earlier Signer", country: "DE", wantsUpdates: true, now: DAY_REPORTED - 2 * HOUR });
    for (const [country, count] of NEW_BY_COUNTRY) {
      for (let i = 0; i < count; i += 1) {
        n += 1;
        await createVerifiedSigner(db, { email: `signer${n}@example.org`, name: `Private Name${n}`, country, wantsUpdates: true, now: DAY_REPORTED + n * 60_000 });
      }
    }
    await createPendingSigner(db, { email: "pending@example.org", name: "Pending Person", now: DAY_REPORTED + HOUR });
    // Two signatures flagged in a sustained burst from one network and one mail domain (decision 0011).
    for (const email of ["flood1@burst-domain.example", "flood2@burst-domain.example"]) {
      await recordCheckedSignature(db, {
        name: "Flood Bot",
        email,
        country: "RU",
        ipHash: "IPHASHsecretvalue00001",
        suspicion: { ipHash: "IPHASHsecretvalue00001", domain: "burst-domain.example", reasons: ["ipSustained", "domainSustained"] },
        now: DAY_REPORTED + 2 * HOUR,
      });
    }
    const updateId = createPublishedUpdate(db, {
      slug: "delivered",
      texts: { en: { title: "Letter delivered", body: "It was." }, ru: { title: "Письмо доставлено", body: "Да." } },
      now: DAY_REPORTED + 3 * HOUR,
    });
    const { mailingId } = prepareMailing({ actor: SYSTEM, updateId, db, now: DAY_REPORTED + 3 * HOUR });
    confirmMailing({ actor: SYSTEM, mailingId, db, now: DAY_REPORTED + 3 * HOUR });
  }

  function organizers() {
    const owner = createOrganizer(db, { email: "owner@example.org", role: "owner", now: DAY_REPORTED });
    const admin = createOrganizer(db, { email: "admin@example.org", role: "admin", now: DAY_REPORTED });
    const viewer = createOrganizer(db, { email: "viewer@example.org", role: "viewer", now: DAY_REPORTED });
    const disabled = createOrganizer(db, { email: "disabled@example.org", role: "admin", now: DAY_REPORTED });
    createOrganizer(db, { email: "not-asked@example.org", role: "owner", now: DAY_REPORTED });
    updateDigestPreference({ actor: owner, locale: "en", db, now: DAY_REPORTED });
    updateDigestPreference({ actor: admin, locale: "ru", db, now: DAY_REPORTED });
    updateDigestPreference({ actor: viewer, locale: "uk", db, now: DAY_REPORTED });
    updateDigestPreference({ actor: disabled, locale: "en", db, now: DAY_REPORTED });
    db.update(users).set({ isDisabled: true }).where(eq(users.id, disabled.id)).run();
    return { owner, admin, viewer, disabled };
  }

  async function deliver(now: number): Promise<SunkEmail[]> {
    await deliverDueEmails({ transport, from: FROM, db, now: () => now });
    return sink.received.filter((email) => email.to.endsWith("@example.org") && /summary|сводка|зведення/i.test(email.subject));
  }

  it("is off by default, and an organizer turns their own on and off (audited)", () => {
    const viewer = createOrganizer(db, { email: "viewer@example.org", role: "viewer", now: DAY_REPORTED });
    expect(getDigestPreference({ actor: viewer, db })).toBeNull();
    updateDigestPreference({ actor: viewer, locale: "ru", db, now: DAY_REPORTED });
    expect(getDigestPreference({ actor: viewer, db })).toBe("ru");
    updateDigestPreference({ actor: viewer, locale: null, db, now: DAY_REPORTED + 1 });
    expect(getDigestPreference({ actor: viewer, db })).toBeNull();
    expect(db.select({ action: auditLog.action, details: auditLog.details }).from(auditLog).all()).toEqual([
      { action: "account.digest", details: JSON.stringify({ enabled: true, locale: "ru" }) },
      { action: "account.digest", details: JSON.stringify({ enabled: false, locale: null }) },
    ]);
    expect(() => updateDigestPreference({ actor: SYSTEM, locale: "en", db, now: DAY_REPORTED })).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
  });

  it("goes once a day from 06:00 UTC to each organizer who asked and is not disabled, across runs and processes", async () => {
    organizers();
    expect(DIGEST_HOUR_UTC).toBe(6);
    expect(sendOrganizerDigests({ actor: SYSTEM, db, now: MORNING - 1 })).toEqual({ sent: 0, reason: "beforeDigestHour" });
    expect(sendOrganizerDigests({ actor: SYSTEM, db, now: MORNING })).toEqual({ sent: 3 });
    expect(sendOrganizerDigests({ actor: SYSTEM, db, now: MORNING + HOUR })).toEqual({ sent: 0 });
    const second = openDatabase(`file:${filePath!}`);
    try {
      expect(sendOrganizerDigests({ actor: SYSTEM, db: second, now: MORNING + 2 * HOUR })).toEqual({ sent: 0 });
    } finally {
      second.$client.close();
    }
    // Turned off and on again the same day: still one.
    const owner = { kind: "organizer", id: 1, email: "owner@example.org", role: "owner" } as const;
    updateDigestPreference({ actor: owner, locale: null, db, now: MORNING + 3 * HOUR });
    updateDigestPreference({ actor: owner, locale: "en", db, now: MORNING + 3 * HOUR });
    expect(sendOrganizerDigests({ actor: SYSTEM, db, now: MORNING + 4 * HOUR })).toEqual({ sent: 0 });

    const received = await deliver(MORNING + 4 * HOUR);
    expect(received.map((email) => email.to).sort()).toEqual(["admin@example.org", "owner@example.org", "viewer@example.org"]);
    expect(sendOrganizerDigests({ actor: SYSTEM, db, now: MORNING + 24 * HOUR })).toEqual({ sent: 3 });
    expect(db.select().from(mailOutbox).where(eq(mailOutbox.kind, "digest")).all()).toHaveLength(6);
  });

  it("reports the day in each organizer's language: new verified signatures, the total and the top countries; bursts and mailings for admins and owners", async () => {
    await seedCampaign();
    organizers();
    expect(sendOrganizerDigests({ actor: SYSTEM, db, now: MORNING })).toEqual({ sent: 3 });
    const received = await deliver(MORNING);
    const to = (address: string) => received.find((email) => email.to === address)!;

    const owner = to("owner@example.org");
    expect(owner.subject).toBe("Daily summary for December 6, 2026");
    expect(owner.text).toContain("New verified signatures: 15. Verified in total: 16 of 100,000.");
    expect(owner.text).toContain("- Germany: +3 (4)");
    expect(owner.text).toContain("- Ukraine: +2 (2)");
    expect(owner.text).toContain("- 2 other countries: +2");
    expect(owner.text.match(/^- .+: \+\d+ \(\d+\)$/gm)).toHaveLength(10);
    expect(owner.text).toContain("Flagged signatures: 2. Sustained bursts: 1 from one network (IP address), 1 from one email domain.");
    expect(owner.text).toContain("“Letter delivered” (sending): 0 sent, 16 remaining");
    expect(owner.text).toContain("http://app.test/admin/account");
    expect(owner.html).toContain("<li>Germany: +3 (4)</li>");

    const admin = to("admin@example.org");
    expect(admin.subject).toBe("Ежедневная сводка за 6 декабря 2026 г.");
    expect(admin.text).toContain("Новых подтверждённых подписей: 15.");
    expect(admin.text).toContain("- Германия: +3 (4)");
    expect(admin.text).toContain("Ещё 2 страны: +2");
    expect(admin.text).toContain("«Письмо доставлено» (идёт отправка): отправлено 0, осталось 16");

    const viewer = to("viewer@example.org");
    expect(viewer.subject).toBe("Щоденне зведення за 6 грудня 2026 р.");
    expect(viewer.text).toContain("Нових підтверджених підписів: 15.");
    expect(viewer.text).toContain("- Німеччина: +3 (4)");
    // Viewers get what their dashboard shows: no bursts, no mailings.
    expect(viewer.text).not.toMatch(/сплески|розсилки/i);

    // No personal data: no signer's address, name or IP hash, no mail domain, no other organizer.
    for (const email of received) {
      const whole = `${email.subject}\n${email.text}\n${email.html}`;
      for (const secret of ["signer1@", "Private Name", "Pending Person", "before@", "IPHASHsecretvalue", "burst-domain", "Flood Bot"]) expect(whole).not.toContain(secret);
      for (const other of ["owner@", "admin@", "viewer@", "disabled@", "not-asked@"]) if (!email.to.startsWith(other)) expect(whole).not.toContain(other);
    }
  });

  it("runs as a maintenance task, skipped before the digest hour", async () => {
    organizers();
    expect(await runMaintenance({ trigger: "schedule", tasks: ["sendDigests"], db, now: MORNING - HOUR })).toMatchObject({
      results: [{ task: "sendDigests", outcome: "skipped", summary: { reason: "beforeDigestHour" } }],
    });
    expect(await runMaintenance({ trigger: "schedule", tasks: ["sendDigests"], db, now: MORNING })).toMatchObject({
      results: [{ task: "sendDigests", outcome: "ok", summary: { sent: 3 } }],
    });
  });
});
