import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { signatures, signatureTokens, statCounters } from "@/db/schema";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { createVerifiedSigner, mailUpdateAndCapture } from "@/test/factories";
import { BodyTooLargeError } from "./http";
import { handleUnsubscribeRequest, UNSUBSCRIBE_REQUEST_MAX_BODY_BYTES } from "./handle-unsubscribe-request";

const T0 = Date.parse("2026-12-02T09:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

function post(query: string, contentType: string | null, body: string) {
  return handleUnsubscribeRequest({
    now: T0 + 1000,
    search: new URLSearchParams(query),
    contentType,
    acceptLanguage: null,
    readBody: async () => {
      if (Buffer.byteLength(body) > UNSUBSCRIBE_REQUEST_MAX_BODY_BYTES) throw new BodyTooLargeError();
      return body;
    },
  });
}

describe("RFC 8058 one-click unsubscribe", () => {
  forbidRealClock();
  let db: AppDatabase;
  let token: string;

  const wantsUpdates = () => db.select({ wantsUpdates: signatures.wantsUpdates }).from(signatures).where(eq(signatures.email, "one@example.org")).get()?.wantsUpdates;

  setUpTestDatabase((opened) => ({ db } = opened));
  beforeEach(async () => {
    await createVerifiedSigner(db, { email: "one@example.org", wantsUpdates: true, now: T0 });
    token = (await mailUpdateAndCapture(db, { now: T0 })).get("one@example.org")!.token;
  });

  it("unsubscribes at once on a cookie-less form POST of List-Unsubscribe=One-Click, and moves no count", async () => {
    const before = db.select().from(statCounters).all();
    const answer = await post(`locale=ru&token=${token}`, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("Вы отписались: на этот адрес больше не будут приходить новости кампании.");
    expect(wantsUpdates()).toBe(false);
    expect(db.select().from(statCounters).all()).toEqual(before);
    expect(db.select({ status: signatures.status }).from(signatures).get()).toEqual({ status: "verified" });
    // A second POST is the same answer.
    expect(await post(`token=${token}`, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click")).toMatchObject({ status: 200 });
  });

  it("takes the same body as multipart/form-data", async () => {
    const boundary = "----x7f";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    expect(await post(`token=${token}`, `multipart/form-data; boundary=${boundary}`, body)).toMatchObject({ status: 200 });
    expect(wantsUpdates()).toBe(false);
  });

  it.each([
    ["no body", "application/x-www-form-urlencoded", ""],
    ["another value", "application/x-www-form-urlencoded", "List-Unsubscribe=Yes"],
    ["an extra field", "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click&also=1"],
    ["the field twice", "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click&List-Unsubscribe=One-Click"],
    ["JSON", "application/json", '{"List-Unsubscribe":"One-Click"}'],
    ["no content type", null, "List-Unsubscribe=One-Click"],
    ["a broken multipart body", "multipart/form-data; boundary=zz", "List-Unsubscribe=One-Click"],
  ])("answers 400 and changes nothing for %s", async (_case, contentType, body) => {
    expect(await post(`token=${token}`, contentType, body)).toMatchObject({ status: 400 });
    expect(wantsUpdates()).toBe(true);
  });

  it("answers 413 to a body over 1 KB", async () => {
    expect(await post(`token=${token}`, "application/x-www-form-urlencoded", `List-Unsubscribe=One-Click&x=${"a".repeat(2000)}`)).toMatchObject({ status: 413 });
    expect(wantsUpdates()).toBe(true);
  });

  it("gives an unknown, expired or malformed token the same answer as a valid one, and changes nothing", async () => {
    const valid = await post(`token=${token}`, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
    db.update(signatures).set({ wantsUpdates: true, unsubscribedAt: null }).run();
    db.update(signatureTokens).set({ expiresAt: T0 - DAY }).where(eq(signatureTokens.purpose, "unsubscribe")).run();
    for (const query of [`token=${token}`, `token=${"A".repeat(52)}`, "token=%3Cscript%3E", ""]) {
      const answer = await post(query, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
      expect(answer).toEqual(valid);
    }
    expect(wantsUpdates()).toBe(true);
  });

  it("does not accept another kind of link's token", async () => {
    const manage = db.select().from(signatureTokens).where(eq(signatureTokens.purpose, "manage")).get();
    expect(manage).toBeDefined();
    // The manage token's plain value is only in the confirmation email; a confirm/withdraw/manage token is not an unsubscribe token.
    const { linkTokenFromOutbox } = await import("@/test/factories");
    await post(`token=${linkTokenFromOutbox(db, "one@example.org", "my")}`, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
    expect(wantsUpdates()).toBe(true);
  });
});
