import { fc } from "@fast-check/vitest";
import { isRedirectError } from "next/dist/client/components/redirect-error";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppDatabase } from "@/db/client";
import { INITIAL_SIGN_FORM_STATE } from "@/lib/schemas/sign-form-state";
import { resetConfigForTesting } from "@/server/config";
import { setUpDatabaseWithoutSignLimits, setUpTestDatabase } from "@/test/database";
import { CONTROL_OR_BIDI, hostileString, SIGN_FORM_FIELDS } from "@/test/hostile-input";
import { solvedProofOfWork } from "@/test/proof-of-work";
import { signLetterAction } from "./sign-letter-action";

// The form action is a public endpoint too: hostile form data gets either a
// per-field "invalid" answer or the redirect to /thanks, never an exception.

vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.7", "user-agent": "fast-check" }),
}));

const fieldName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SIGN_FORM_FIELDS, "ref", "utm_source", "utm_campaign") },
  // Next's own action fields and prototype keys.
  fc.constantFrom("$ACTION_ID_abc", "$ACTION_REF_1", "__proto__", "constructor", "prototype", "toString"),
  fc.string({ maxLength: 8 }),
);

let emailCounter = 0;
type Entry = [string, string | Blob];

const entryValue: fc.Arbitrary<string | Blob> = fc.oneof(
  { weight: 8, arbitrary: hostileString },
  fc.constantFrom("en", "ru", "uk", "DE", "ZZ", "on"),
  hostileString.map((text) => new Blob([text], { type: "text/html" })),
);

const formEntries: fc.Arbitrary<Entry[]> = fc.oneof(
  fc.array(fc.tuple(fieldName, entryValue), { maxLength: 10 }),
  // A valid form with a few hostile entries (overriding, repeated or extra): reaches the database.
  fc.array(fc.tuple(fieldName, entryValue), { minLength: 1, maxLength: 3 }).map((extra): Entry[] => [
    ["name", "Anna"],
    ["email", `action${(emailCounter += 1)}@example.org`],
    ["country", "DE"],
    ["acceptPrivacy", "on"],
    ...extra,
  ]),
  // A hostile name with a letter in it: accepted, then checked clean in the database.
  hostileString.map((name): Entry[] => [
    ["name", `Zoë ${name.slice(0, 60)}`],
    ["city", name.slice(0, 40)],
    ["email", `action${(emailCounter += 1)}@example.org`],
    ["country", "UA"],
    ["isPublicName", "on"],
    ["acceptPrivacy", "on"],
    ["locale", "uk"],
  ]),
);

function toFormData(entries: Entry[]): FormData {
  const formData = new FormData();
  for (const [key, value] of entries) formData.append(key, value);
  return formData;
}

describe("signLetterAction with random and hostile form data", () => {
  let db: AppDatabase;
  setUpDatabaseWithoutSignLimits((opened) => ({ db } = opened));

  it("answers per-field errors or redirects, and throws nothing else", { timeout: 120_000 }, async () => {
    let invalid = 0;
    let redirected = 0;
    await fc.assert(
      fc.asyncProperty(formEntries, async (entries) => {
        let state;
        try {
          state = await signLetterAction(INITIAL_SIGN_FORM_STATE, toFormData(entries));
        } catch (error) {
          if (!isRedirectError(error)) throw error;
          expect(error.digest).toMatch(/^NEXT_REDIRECT;[^;]*;\/(en|ru|uk)\/thanks;/);
          redirected += 1;
          return;
        }
        expect(state.status).toBe("invalid");
        const fields = Object.keys(state.errors);
        expect(fields.length).toBeGreaterThan(0);
        for (const field of fields) expect(SIGN_FORM_FIELDS.has(field), `unknown field ${field}`).toBe(true);
        for (const value of Object.values(state.values)) expect(value.length).toBeLessThanOrEqual(320);
        invalid += 1;
      }),
      { numRuns: 5_000 },
    );
    expect(invalid).toBeGreaterThan(0);
    expect(redirected).toBeGreaterThan(0);

    const integrity = db.$client.pragma("integrity_check") as { integrity_check: string }[];
    expect(integrity).toEqual([{ integrity_check: "ok" }]);
    const rows = db.$client.prepare("select name, city from signatures").all() as { name: string; city: string | null }[];
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter((row) => CONTROL_OR_BIDI.test(row.name) || CONTROL_OR_BIDI.test(row.city ?? ""))).toEqual([]);
  });
});

describe("signLetterAction against bots and floods (decision 0011)", () => {
  let db: AppDatabase;
  // A fresh database per case: every submission, a bot's too, counts against the mocked IP's limits.
  beforeEach(() => resetConfigForTesting());
  setUpTestDatabase((opened) => ({ db } = opened));

  const rowCount = () => (db.$client.prepare("select count(*) as n from signatures").get() as { n: number }).n;
  const form = (email: string, extra: Entry[] = []) =>
    toFormData([["name", "Anna"], ["email", email], ["country", "DE"], ["acceptPrivacy", "on"], ["locale", "en"], ...extra]);
  async function submit(formData: FormData) {
    try {
      return await signLetterAction(INITIAL_SIGN_FORM_STATE, formData);
    } catch (error) {
      if (isRedirectError(error)) return "redirected" as const;
      throw error;
    }
  }

  it("sends a honeypot or a too-fast form to the thanks page and stores nothing; without a fill time (no JavaScript) it signs", async () => {
    expect(await submit(form("bot1@example.org", [["website", "spam"]]))).toBe("redirected");
    expect(await submit(form("bot2@example.org", [["fillMs", "1200"]]))).toBe("redirected");
    expect(rowCount()).toBe(0);
    expect(await submit(form("person@example.org", [["website", ""], ["fillMs", ""]]))).toBe("redirected");
    expect(await submit(form("person2@example.org", [["website", ""], ["fillMs", "9000"], ["altcha", await solvedProofOfWork()]]))).toBe("redirected");
    expect(rowCount()).toBe(2);
  });

  it("answers \"botCheckFailed\" when a form sent by our script (with a fill time) has no valid, unused proof of work", async () => {
    const failed = { status: "botCheckFailed", errors: {}, values: { name: "Anna", email: "js@example.org", country: "DE", acceptPrivacy: "on" } };
    expect(await submit(form("js@example.org", [["fillMs", "9000"]]))).toEqual(failed);
    expect(await submit(form("js@example.org", [["fillMs", "9000"], ["altcha", "bm90IGEgcGF5bG9hZA=="]]))).toEqual(failed);
    const payload = await solvedProofOfWork();
    expect(await submit(form("first@example.org", [["fillMs", "9000"], ["altcha", payload]]))).toBe("redirected");
    expect(await submit(form("js@example.org", [["fillMs", "9000"], ["altcha", payload]]))).toEqual(failed);
    expect(rowCount()).toBe(1);
  });

  it("refuses a name that carries a link (it would be mailed to any address typed), with what was typed", async () => {
    const phishing = toFormData([["name", "Anna, your account is locked: evil.example/login"], ["email", "victim@example.org"], ["country", "DE"], ["acceptPrivacy", "on"], ["locale", "ru"]]);
    expect(await submit(phishing)).toMatchObject({ status: "invalid", errors: { name: "nameHasLink" }, values: { email: "victim@example.org" } });
    expect(rowCount()).toBe(0);
  });

  it("answers \"rateLimited\" with what was typed once the burst limit is passed", async () => {
    let last;
    for (let i = 0; i < 10; i += 1) last = await submit(form(`burst${i}@example.org`));
    expect(last).toBe("redirected");
    const refused = await submit(form("burst10@example.org"));
    expect(refused).toEqual({ status: "rateLimited", errors: {}, values: { name: "Anna", email: "burst10@example.org", country: "DE", acceptPrivacy: "on" } });
  });
});
