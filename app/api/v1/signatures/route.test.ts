import { describe, expect, it, vi } from "vitest";
import type { AppDatabase } from "@/db/client";
import { SIGN_LIMITS } from "@/server/abuse/check-sign-limits";
import { resetConfigForTesting } from "@/server/config";
import { setUpFreshConfig } from "@/test/config";
import { setUpTestDatabase } from "@/test/database";
import { solvedProofOfWork } from "@/test/proof-of-work";
import { POST } from "./route";

const URL = "http://app.test/api/v1/signatures";
const valid = { name: "Anna", email: "anna@example.org", country: "DE", acceptPrivacy: true };
/** A valid body with a fresh proof of work, as a client that fetched and solved a challenge sends it. */
const solved = async (body: Record<string, unknown> = valid) => JSON.stringify({ ...body, altcha: await solvedProofOfWork() });

function post(body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) {
  return POST(new Request(URL, { method: "POST", body, headers }));
}

describe("POST /api/v1/signatures", () => {
  let db: AppDatabase;
  setUpTestDatabase((opened) => ({ db } = opened));

  const rowCount = () => (db.$client.prepare("select count(*) as n from signatures").get() as { n: number }).n;

  it("accepts a valid signature with 202 and the same answer for a repeat", async () => {
    const first = await post(await solved());
    const second = await post(await solved());
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(await first.json()).toEqual(await second.json());
    expect(rowCount()).toBe(1);
  });

  it("answers 400 with a translated message per field", async () => {
    const response = await post(JSON.stringify({ name: "", email: "x" }), { "content-type": "application/json", "accept-language": "ru-RU,ru;q=0.9" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(Object.keys(body.errors).sort()).toEqual(["acceptPrivacy", "country", "email", "name"]);
    expect(body.errors.name).toBe("Введите имя.");
    expect(rowCount()).toBe(0);
  });

  it("refuses a name with a link with 400 and a translated message, storing nothing", async () => {
    const response = await post(await solved({ ...valid, name: "Anna anna@evil.example", locale: "uk" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: { name: "Ім’я не може містити вебадресу, доменне ім’я або знак @. Якщо в імені є крапка, поставте після неї пробіл." } });
    expect(rowCount()).toBe(0);
  });

  it.each([
    ["text/plain", 415],
    ["application/x-www-form-urlencoded", 415],
    ["", 415],
    ["application/json; charset=utf-8", 202],
    ["application/jsonp", 415],
  ])("content type %j → %i", async (contentType, status) => {
    const response = await post(await solved(), contentType ? { "content-type": contentType } : {});
    expect(response.status).toBe(status);
  });

  it("refuses an oversized body with 413, whether or not it declares its length", async () => {
    const huge = JSON.stringify({ ...valid, name: "x".repeat(10 * 1024 * 1024) });
    expect((await post(huge)).status).toBe(413);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i += 1) controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
        controller.close();
      },
    });
    const chunked = await POST(new Request(URL, { method: "POST", body: stream, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit));
    expect(chunked.status).toBe(413);
    expect(rowCount()).toBe(0);
  });

  it.each(["{", "", "null", "[]", '"text"', "42", '{"name": {"$gt": ""}}', "\u0000"])("malformed or wrong-shaped body %j → 400", async (body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    expect(rowCount()).toBe(0);
  });
});

describe("POST /api/v1/signatures against bots and floods (decision 0011)", () => {
  let db: AppDatabase;
  setUpFreshConfig();
  setUpTestDatabase((opened) => ({ db } = opened));

  const rowCount = () => (db.$client.prepare("select count(*) as n from signatures").get() as { n: number }).n;
  const json = { "content-type": "application/json" };

  it("answers a honeypot or a too-fast form exactly like a success, and stores nothing", async () => {
    const honest = await post(await solved({ ...valid, email: "honest@example.org", website: "", fillMs: 8000 }));
    const honeypot = await post(JSON.stringify({ ...valid, email: "bot1@example.org", website: "https://spam.example" }));
    const tooFast = await post(JSON.stringify({ ...valid, email: "bot2@example.org", fillMs: 400 }));
    expect([honest.status, honeypot.status, tooFast.status]).toEqual([202, 202, 202]);
    const bodies = await Promise.all([honest.json(), honeypot.json(), tooFast.json()]);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(rowCount()).toBe(1);
    expect((db.$client.prepare("select count(*) as n from mail_outbox").get() as { n: number }).n).toBe(1);
  });

  it("with BOT_CHECK=off, the honeypot and fill time are ignored", async () => {
    vi.stubEnv("BOT_CHECK", "off");
    resetConfigForTesting();
    expect((await post(JSON.stringify({ ...valid, website: "x", fillMs: 1 }))).status).toBe(202);
    expect(rowCount()).toBe(1);
  });

  it("answers 429 with Retry-After and a translated message past the burst limit (an API client's, with its proofs of work)", async () => {
    const headers = { ...json, "x-forwarded-for": "198.51.100.9", "accept-language": "uk" };
    const burst = SIGN_LIMITS.provenIp.burst.points;
    for (let i = 0; i < burst; i += 1) expect((await post(await solved({ ...valid, email: `b${i}@example.org` }), headers)).status).toBe(202);
    const refused = await post(await solved({ ...valid, email: "over@example.org" }), headers);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({ error: expect.stringContaining("Спробуйте знову") });
    expect(rowCount()).toBe(burst);
    // Another client still signs.
    expect((await post(await solved({ ...valid, email: "c@example.org" }), { ...json, "x-forwarded-for": "198.51.100.10" })).status).toBe(202);
  });

  it("answers 400 with a translated errors.altcha without a proof of work, with a wrong one or a replayed one", async () => {
    const headers = { ...json, "accept-language": "en" };
    const missing = await post(JSON.stringify(valid), headers);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ errors: { altcha: "The browser check failed; please try again." } });
    expect((await post(JSON.stringify({ ...valid, altcha: "bm90IGEgcGF5bG9hZA==" }), headers)).status).toBe(400);

    const payload = await solvedProofOfWork();
    expect((await post(JSON.stringify({ ...valid, altcha: payload }), headers)).status).toBe(202);
    const replayed = await post(JSON.stringify({ ...valid, email: "other@example.org", altcha: payload }), { ...json, "accept-language": "ru" });
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toEqual({ errors: { altcha: "Проверка браузера не прошла; попробуйте ещё раз." } });
    expect(rowCount()).toBe(1);
  });
});
