import fs from "node:fs";
import path from "node:path";
import { expect, readTotal, test, uniqueName } from "./support/fixtures";
import { countSignatureRows } from "./support/database";
import { extractLink, listEmails, uniqueEmail, waitForEmails } from "./support/mail";
import { withProofOfWork } from "./support/proof-of-work";

type Messages = { SignForm: { errors: Record<string, string> } };
const ru = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "messages", "ru.json"), "utf8")) as Messages;

const validBody = () => ({
  name: uniqueName("Api"),
  email: uniqueEmail("api"),
  country: "PL",
  isPublicName: false,
  acceptPrivacy: true,
});

test.describe("the public API", () => {
  test("POST /api/v1/signatures accepts a valid signature with 202", async ({ request }) => {
    const response = await request.post("/api/v1/signatures", { data: await withProofOfWork(request, validBody()) });
    expect(response.status()).toBe(202);
    expect(await response.json()).toMatchObject({ status: "pending" });
  });

  test("GET /api/v1/challenge gives a fresh, uncached proof-of-work challenge, and POST needs it solved, once", async ({ request }) => {
    const challenge = await request.get("/api/v1/challenge");
    expect(challenge.status()).toBe(200);
    expect(challenge.headers()["cache-control"]).toContain("no-store");
    expect(await challenge.json()).toMatchObject({ algorithm: "SHA-256", maxnumber: 100_000, salt: expect.stringContaining("expires=") });

    const missing = await request.post("/api/v1/signatures", { data: validBody(), headers: { "Accept-Language": "en" } });
    expect(missing.status()).toBe(400);
    expect(await missing.json()).toEqual({ errors: { altcha: "The browser check failed; please try again." } });

    const body = await withProofOfWork(request, validBody());
    expect((await request.post("/api/v1/signatures", { data: body })).status()).toBe(202);
    const replayed = await request.post("/api/v1/signatures", { data: { ...body, email: uniqueEmail("replay") } });
    expect(replayed.status()).toBe(400);
    expect(await replayed.json()).toHaveProperty("errors.altcha");
  });

  test("POST /api/v1/signatures answers 400 with a message per field, in the Accept-Language", async ({ request }) => {
    const response = await request.post("/api/v1/signatures", {
      data: { name: "", email: "", country: "", acceptPrivacy: false },
      headers: { "Accept-Language": "ru" },
    });
    expect(response.status()).toBe(400);
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(body.errors).toEqual({
      name: ru.SignForm.errors.nameRequired,
      email: ru.SignForm.errors.emailRequired,
      country: ru.SignForm.errors.countryRequired,
      acceptPrivacy: ru.SignForm.errors.privacyRequired,
    });
  });

  test("POST /api/v1/signatures refuses anything but JSON with 415", async ({ request }) => {
    const response = await request.post("/api/v1/signatures", {
      data: JSON.stringify(validBody()),
      headers: { "Content-Type": "text/plain" },
    });
    expect(response.status()).toBe(415);
  });

  test("POST /api/v1/signatures refuses an 11 MB body with 413", async ({ request }) => {
    const padding = "x".repeat(11 * 1024 * 1024);
    const response = await request.post("/api/v1/signatures", {
      data: Buffer.from(`{"name":"${padding}"}`),
      headers: { "Content-Type": "application/json" },
    });
    expect(response.status()).toBe(413);
  });

  test("POST /api/v1/signatures answers malformed JSON with 400", async ({ request }) => {
    const response = await request.post("/api/v1/signatures", {
      // A Buffer is sent as is (a string would be serialised as a JSON string).
      data: Buffer.from('{"name": "Ann", "email": '),
      headers: { "Content-Type": "application/json" },
    });
    expect(response.status()).toBe(400);
    expect(await response.json()).toHaveProperty("error");
  });

  test("POST /api/v1/signatures answers a JSON body that is not an object with 400", async ({ request }) => {
    for (const body of ['"hello"', "[]", "null", "42"]) {
      const response = await request.post("/api/v1/signatures", { data: Buffer.from(body), headers: { "Content-Type": "application/json" } });
      expect(response.status()).toBe(400);
      expect(await response.json()).toHaveProperty("error");
    }
  });

  test("the same address sent 50 times at once makes one signature and one count", async ({ request }) => {
    const before = await readTotal(request);
    const body = validBody();
    // Every request carries its own proof of work, solved beforehand, so they still arrive at once.
    const bodies = [];
    for (let i = 0; i < 50; i += 1) bodies.push(await withProofOfWork(request, { ...body, email: i % 2 ? body.email.toUpperCase() : body.email }));
    const responses = await Promise.all(bodies.map((data) => request.post("/api/v1/signatures", { data })));
    expect(responses.map((response) => response.status())).toEqual(Array(50).fill(202));
    expect(countSignatureRows(body.email.toLowerCase())).toBe(1);
    // The daily cap: a handful of confirmation emails, not fifty.
    const emails = await waitForEmails(body.email, { count: 1 });
    expect((await listEmails(body.email)).length).toBeLessThanOrEqual(3);
    for (const email of emails) {
      const link = extractLink(email.text, "/confirm?token=");
      const page = await request.get(link);
      expect(page.status()).toBe(200);
    }
    // Opening the links confirms nothing (that takes the button), and fifty submissions alone count nothing.
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before);
  });

  for (const [label, name] of [
    ["markup", "<script>alert(1)</script> Mallory"],
    ["a right-to-left override", "Mallory \u202Etxt.exe"],
    ["control characters", "Mal\u0000lo\u0007ry\u001B[31m"],
    ["only invisible characters", "\u202E\u200B\u0000"],
  ] as const) {
    test(`POST /api/v1/signatures with a name holding ${label} is cleaned or refused, never a server error`, async ({ request }) => {
      const response = await request.post("/api/v1/signatures", { data: await withProofOfWork(request, { ...validBody(), name }) });
      expect([202, 400]).toContain(response.status());
      if (response.status() === 400) expect(await response.json()).toHaveProperty("errors.name");
    });
  }

  test("GET /api/v1/stats is public JSON, open to other origins and cacheable by a CDN", async ({ request }) => {
    const response = await request.get("/api/v1/stats");
    expect(response.status()).toBe(200);
    expect(response.headers()["access-control-allow-origin"]).toBe("*");
    expect(response.headers()["cache-control"]).toContain("s-maxage");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      total: expect.any(Number),
      goal: expect.any(Number),
      countries: expect.any(Object),
      updatedAt: expect.any(String),
    });
    expect(Number.isNaN(Date.parse(body.updatedAt as string))).toBe(false);
  });

  test("every response carries the security headers", async ({ request }) => {
    for (const path of ["/en", "/api/v1/stats", "/admin/login"]) {
      const headers = (await request.get(path)).headers();
      expect(headers["content-security-policy"], path).toContain("default-src 'self'");
      expect(headers["content-security-policy"], path).not.toContain("unsafe-eval");
      expect(headers["strict-transport-security"], path).toContain("max-age=");
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("same-origin");
      expect(headers["permissions-policy"], path).toContain("camera=()");
    }
  });

  test("GET /api/health says ok", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  test("the development mailbox does not exist in production", async ({ request }) => {
    const response = await request.get("/dev/mailbox");
    expect(response.status()).toBe(404);
  });
});
