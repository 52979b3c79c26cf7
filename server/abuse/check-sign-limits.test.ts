import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppDatabase } from "@/db/client";
import { SYSTEM } from "@/server/auth/actor";
import { resetConfigForTesting } from "@/server/config";
import { getDashboard } from "@/server/dashboard/get-dashboard";
import { getClientIpHash, getRateLimitIpHash } from "@/server/security/client-ip";
import { setUpFreshConfig } from "@/test/config";
import { setUpTestDatabase } from "@/test/database";
import { recordCheckedSignature, signatureData } from "@/test/factories";
import { checkSignLimits, getEmailDomain, SIGN_LIMITS, type SignLimits, type SignLimitVerdict } from "./check-sign-limits";
import { isBotSubmission } from "./is-bot-submission";

const SMALL: SignLimits = {
  ip: { keyPrefix: "t-ip", burst: { points: 1000, durationSeconds: 60 }, sustained: { points: 2, durationSeconds: 3600 } },
  provenIp: { keyPrefix: "t-pow-ip", burst: { points: 1000, durationSeconds: 60 }, sustained: { points: 4, durationSeconds: 3600 } },
  domainSustained: { keyPrefix: "t-domain", points: 1000, durationSeconds: 3600 },
  ceilingFactor: 3,
};

const fromIp = (ip: string) => new Headers({ "x-forwarded-for": ip });

describe("checkSignLimits", () => {
  let db: AppDatabase;
  setUpFreshConfig();
  setUpTestDatabase((opened) => ({ db } = opened));

  async function run(
    times: number,
    options: { headers: (i: number) => Headers; email: (i: number) => string; limits?: SignLimits; provedWork?: boolean },
  ): Promise<SignLimitVerdict[]> {
    const verdicts: SignLimitVerdict[] = [];
    for (let i = 0; i < times; i += 1) {
      const clientKey = getRateLimitIpHash(options.headers(i));
      verdicts.push(checkSignLimits({ tx: db, clientKey, email: options.email(i), limits: options.limits ?? SMALL, provedWork: options.provedWork }));
    }
    return verdicts;
  }

  it("refuses the 11th signature in a minute from one IP, with the seconds to wait", async () => {
    const verdicts = await run(11, { headers: () => fromIp("198.51.100.1"), email: (i) => `p${i}@example.org`, limits: SIGN_LIMITS });
    expect(verdicts.slice(0, 10).map((verdict) => verdict.outcome)).toEqual(Array(10).fill("allowed"));
    const last = verdicts[10]!;
    expect(last.outcome).toBe("refused");
    if (last.outcome === "refused") {
      expect(last.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(last.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    // Another client is not affected.
    expect((await run(1, { headers: () => fromIp("198.51.100.2"), email: () => "q@example.org", limits: SIGN_LIMITS }))[0]!.outcome).toBe("allowed");
  });

  it("counts submissions with a proof of work in their own, six times larger buckets: a shared address's honest signers are not locked out by a flood without one", async () => {
    const tor = () => fromIp("198.51.100.20");
    // A flood without a proof of work (a script posting the form as if JavaScript were off) uses up its burst.
    const unproven = await run(11, { headers: tor, email: (i) => `noscript${i}@example.org`, limits: SIGN_LIMITS });
    expect(unproven.at(-1)!.outcome).toBe("refused");
    // Signers behind the same exit whose browsers solved a proof of work still sign, up to 60 a minute.
    const proven = await run(61, { headers: tor, email: (i) => `js${i}@example.org`, limits: SIGN_LIMITS, provedWork: true });
    expect(proven.slice(0, 60).map((verdict) => verdict.outcome)).toEqual(Array(60).fill("allowed"));
    expect(proven[60]!.outcome).toBe("refused");
    expect(SIGN_LIMITS.provenIp.burst.points).toBe(SIGN_LIMITS.ip.burst.points * 6);
    expect(SIGN_LIMITS.provenIp.sustained.points).toBe(SIGN_LIMITS.ip.sustained.points * 6);
  });

  it("a proof of work's hourly bucket flags and refuses at the ceiling too: solving proofs does not let a flood through", async () => {
    const verdicts = await run(13, { headers: () => fromIp("198.51.100.21"), email: (i) => `p${i}@example.org`, provedWork: true });
    expect(verdicts.map((verdict) => verdict.outcome)).toEqual([...Array(4).fill("allowed"), ...Array(8).fill("suspicious"), "refused"]);
  });

  it("over the hourly limit flags but accepts, and refuses only past the ceiling (3×)", async () => {
    const verdicts = await run(7, { headers: () => fromIp("198.51.100.3"), email: (i) => `p${i}@example.org` });
    expect(verdicts.map((verdict) => verdict.outcome)).toEqual(["allowed", "allowed", "suspicious", "suspicious", "suspicious", "suspicious", "refused"]);
    const flagged = verdicts[2]!;
    if (flagged.outcome === "suspicious") {
      expect(flagged.suspicion.reasons).toEqual(["ipSustained"]);
      expect(flagged.suspicion.domain).toBe("example.org");
      expect(flagged.suspicion.ipHash).toMatch(/^[\w-]{22}$/);
    }
    const refused = verdicts[6]!;
    if (refused.outcome === "refused") expect(refused.retryAfterSeconds).toBeGreaterThan(60);
  });

  it("limits one email domain across many IPs, and exempts big providers", async () => {
    const limits: SignLimits = { ...SMALL, ip: { ...SMALL.ip, sustained: { ...SMALL.ip.sustained, points: 1000 } }, domainSustained: { ...SMALL.domainSustained, points: 2 } };
    const small = await run(7, { headers: (i) => fromIp(`203.0.113.${i}`), email: (i) => `p${i}@Small-Org.example`, limits });
    expect(small.map((verdict) => verdict.outcome)).toEqual(["allowed", "allowed", "suspicious", "suspicious", "suspicious", "suspicious", "refused"]);
    const flagged = small[2]!;
    if (flagged.outcome === "suspicious") expect(flagged.suspicion).toMatchObject({ domain: "small-org.example", reasons: ["domainSustained"] });

    const gmail = await run(20, { headers: (i) => fromIp(`192.0.2.${i}`), email: (i) => `p${i}@${i % 2 ? "gmail.com" : "googlemail.com"}`, limits });
    expect(new Set(gmail.map((verdict) => verdict.outcome))).toEqual(new Set(["allowed"]));
    expect(getEmailDomain("A@GoogleMail.com")).toBe("gmail.com");
  });

  it("SIGN_RATE_LIMIT_SCALE multiplies every limit", async () => {
    vi.stubEnv("SIGN_RATE_LIMIT_SCALE", "2");
    resetConfigForTesting();
    const verdicts = await run(5, { headers: () => fromIp("198.51.100.4"), email: (i) => `p${i}@example.org` });
    expect(verdicts.map((verdict) => verdict.outcome)).toEqual(["allowed", "allowed", "allowed", "allowed", "suspicious"]);
  });

  it("uses the trusted IP's hash with TRUST_PROXY=1, so flags match signatures.ip_hash for the bulk tools", async () => {
    vi.stubEnv("TRUST_PROXY", "1");
    resetConfigForTesting();
    const headers = fromIp("10.0.0.1, 198.51.100.5");
    const verdicts = await run(3, { headers: () => headers, email: (i) => `p${i}@example.org` });
    const flagged = verdicts[2]!;
    expect(flagged.outcome).toBe("suspicious");
    if (flagged.outcome === "suspicious") expect(flagged.suspicion.ipHash).toBe(getClientIpHash(headers));
  });

  it("a flagged signature is stored as usual with a signature.suspicious audit row (no email) that the dashboard counts", async () => {
    const verdicts = await run(4, { headers: () => fromIp("198.51.100.6"), email: (i) => `p${i}@example.org` });
    for (const [i, verdict] of verdicts.entries()) {
      await recordCheckedSignature(db, { name: "Anna", email: `p${i}@example.org`, suspicion: verdict.outcome === "suspicious" ? verdict.suspicion : undefined, now: Date.now() });
    }
    expect((db.$client.prepare("select count(*) as n from signatures where status = 'pending'").get() as { n: number }).n).toBe(4);
    const rows = db.$client.prepare("select action, target_type, target_id, details from audit_log where action = 'signature.suspicious'").all() as {
      target_type: string;
      target_id: string;
      details: string;
    }[];
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.target_type).toBe("signature");
      expect(row.details).not.toMatch(/@/);
      expect(JSON.parse(row.details)).toMatchObject({ domain: "example.org", reason: "ipSustained" });
    }
    const flagged = verdicts[2]!;
    const ipHash = flagged.outcome === "suspicious" ? flagged.suspicion.ipHash : "";
    expect(getDashboard({ actor: SYSTEM, db }).suspiciousBursts).toEqual([{ kind: "ipHash", value: ipHash, count: 2, lastSeen: expect.any(Number) }]);
    const viewer = { kind: "organizer" as const, id: 1, email: "v@example.org", role: "viewer" as const };
    expect(getDashboard({ actor: viewer, db }).suspiciousBursts).toBeNull();
  });

  it("with BOT_CHECK=off the limits still apply", async () => {
    vi.stubEnv("BOT_CHECK", "off");
    resetConfigForTesting();
    const verdicts = await run(7, { headers: () => fromIp("198.51.100.7"), email: (i) => `p${i}@example.org` });
    expect(verdicts.at(-1)!.outcome).toBe("refused");
  });
});

describe("isBotSubmission", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfigForTesting();
  });

  it.each([
    [{}, false],
    [{ website: "" }, false],
    [{ website: "   " }, false],
    [{ website: "http://spam.example" }, true],
    [{ fillMs: "2999" }, true],
    [{ fillMs: 0 }, true],
    [{ fillMs: "3000" }, false],
    [{ fillMs: "45000" }, false],
    [{ fillMs: "-5" }, false],
    [{ fillMs: "soon" }, false],
  ])("%j → %s", (extra, expected) => {
    resetConfigForTesting();
    expect(isBotSubmission(signatureData({ name: "Anna", email: "a@example.org", acceptPrivacy: true, ...extra }))).toBe(expected);
  });

  it("BOT_CHECK=off disables the honeypot and the fill time", () => {
    vi.stubEnv("BOT_CHECK", "off");
    resetConfigForTesting();
    expect(isBotSubmission(signatureData({ name: "Anna", email: "a@example.org", acceptPrivacy: true, website: "x", fillMs: "10" }))).toBe(false);
  });
});
