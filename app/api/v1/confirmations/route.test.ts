import { beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { signatures } from "@/db/schema";
import { getStats } from "@/server/stats/get-stats";
import { setUpTestDatabase } from "@/test/database";
import { createPendingSigner } from "@/test/factories";
import { POST } from "./route";

const URL = "http://app.test/api/v1/confirmations";
const T0 = Date.now();

function post(body: BodyInit, headers: Record<string, string>) {
  return POST(new Request(URL, { method: "POST", body, headers }));
}
const form = (fields: Record<string, string>) => post(new URLSearchParams(fields).toString(), { "content-type": "application/x-www-form-urlencoded" });
const json = (body: unknown, headers: Record<string, string> = {}) => post(JSON.stringify(body), { "content-type": "application/json", ...headers });

describe("POST /api/v1/confirmations", () => {
  let db: AppDatabase;
  let token: string;
  setUpTestDatabase((opened) => ({ db } = opened));
  beforeEach(async () => {
    ({ confirmToken: token } = await createPendingSigner(db, { name: "Anna", now: T0 }));
  });

  const status = () => db.select({ status: signatures.status }).from(signatures).get()!.status;

  it("the page's form: confirms, counts once, and sends the browser on to the confirmed page (twice is harmless)", async () => {
    const first = await form({ token, locale: "ru" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(`/ru/confirmed?token=${token}`);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(status()).toBe("verified");
    const again = await form({ token, locale: "ru" });
    expect(again.headers.get("location")).toBe(`/ru/confirmed?token=${token}`);
    expect(getStats({ db }).total).toBe(1);
  });

  it("the page's form with a bad token goes back to the confirm page with the problem, in the signer's language", async () => {
    for (const bad of ["", "short", "x".repeat(43), "<script>alert(1)</script>".repeat(2), "https://evil.example/".repeat(3)]) {
      const response = await form({ token: bad, locale: "uk" });
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe("/uk/confirm?problem=invalid");
    }
    // Neither the locale nor the token can take the redirect elsewhere.
    const hostile = await form({ token: "x".repeat(43), locale: "//evil.example" });
    expect(hostile.headers.get("location")).toBe("/en/confirm?problem=invalid");
    expect(status()).toBe("pending");
  });

  it("an expired token: 303 to ?problem=expired from the form, 410 as JSON", async () => {
    db.$client.prepare("UPDATE signature_tokens SET expires_at = ?").run(T0 - 1);
    expect((await form({ token, locale: "en" })).headers.get("location")).toBe("/en/confirm?problem=expired");
    expect((await json({ token })).status).toBe(410);
    expect(status()).toBe("pending");
  });

  it("as JSON: 200 confirmed, then alreadyConfirmed; 404 unknown; 400 malformed; translated", async () => {
    const first = await json({ token }, { "accept-language": "ru" });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: "confirmed", message: "Ваша подпись подтверждена и учтена. Спасибо." });
    expect(await (await json({ token })).json()).toMatchObject({ status: "alreadyConfirmed" });
    expect((await json({ token: "y".repeat(43) })).status).toBe(404);
    expect((await json({ token: 42 })).status).toBe(400);
    expect((await json([token])).status).toBe(400);
    expect((await post("{not json", { "content-type": "application/json" })).status).toBe(400);
  });

  it("refuses other content types with 415 and big bodies with 413", async () => {
    expect((await post(`token=${token}`, { "content-type": "text/plain" })).status).toBe(415);
    expect((await post(`token=${token}`, {})).status).toBe(415);
    expect((await form({ token, padding: "x".repeat(8 * 1024) })).status).toBe(413);
    expect(status()).toBe("pending");
  });
});
