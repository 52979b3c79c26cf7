import { bodyOf, sendLargeBody, statusOf } from "../test/large-body";
import { countSignatureRows } from "./support/database";
import { expect, test, uniqueName } from "./support/fixtures";
import { uniqueEmail } from "./support/mail";
import { withProofOfWork } from "./support/proof-of-work";

// Issue 12: one 300 MB post to next-auth's sign-in endpoint took the
// production server's 256 MB heap down, and nothing restarted it. Every
// body is now held to its route's limit before anything reads it (decision
// 0017), here straight at `npm start` and through the production nginx.

const MB = 1024 * 1024;
const appPort = Number(process.env.E2E_APP_PORT);
const nginxPort = Number(process.env.E2E_NGINX_PORT);

test("a 300 MB post to the sign-in endpoint is refused at once, and the server goes on taking signatures", async ({ request }) => {
  await test.step("300 MB declared: 413 in JSON, and the server stops reading long before the end", async () => {
    const { response, written } = await sendLargeBody({
      port: appPort,
      path: "/api/auth/callback/credentials",
      totalBytes: 300 * MB,
      chunked: false,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en" },
    });
    expect(statusOf(response)).toBe(413);
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(bodyOf(response))).toEqual({ error: "The request body is too large." });
    expect(written).toBeLessThan(64 * MB);
  });

  await test.step("300 MB chunked, as a server action: counted, refused past 64 KB in the page's language", async () => {
    const { response, written } = await sendLargeBody({
      port: appPort,
      path: "/ru",
      totalBytes: 300 * MB,
      chunked: true,
      headers: { "Next-Action": "0123456789abcdef", "Content-Type": "text/plain;charset=UTF-8" },
    });
    expect(statusOf(response)).toBe(413);
    expect(bodyOf(response)).toBe("Тело запроса слишком велико.");
    expect(written).toBeLessThan(64 * MB);
  });

  await test.step("the server is alive and signs", async () => {
    expect((await request.get("/api/health")).status()).toBe(200);
    const email = uniqueEmail("after-300mb");
    const response = await request.post("/api/v1/signatures", {
      data: await withProofOfWork(request, { name: uniqueName("Sam"), email, country: "DE", acceptPrivacy: true, locale: "en" }),
    });
    expect(response.status()).toBe(202);
    expect(countSignatureRows(email)).toBe(1);
  });
});

test("nginx refuses a body over 64 KB itself, and signing through it goes on", async ({ request }) => {
  const { response } = await sendLargeBody({ port: nginxPort, path: "/api/auth/callback/credentials", totalBytes: 300 * MB, chunked: false });
  expect(statusOf(response)).toBe(413);

  const email = uniqueEmail("through-nginx");
  const signed = await request.post(`http://127.0.0.1:${nginxPort}/api/v1/signatures`, {
    data: await withProofOfWork(request, { name: uniqueName("Kim"), email, country: "DE", acceptPrivacy: true, locale: "en" }),
  });
  expect(signed.status()).toBe(202);
  expect(countSignatureRows(email)).toBe(1);
});
