import { readIpHash } from "./support/database";
import { expect, test, uniqueName } from "./support/fixtures";
import { requestFrom } from "./support/from-address";
import { uniqueEmail } from "./support/mail";
import { withProofOfWork } from "./support/proof-of-work";

// The production nginx config (deploy/nginx) in front of `npm start` with
// TRUST_PROXY=1, as the README tells operators to run it (decision 0017).
// nginx appends the address it sees to X-Forwarded-For; whatever a client
// wrote to its left must change nothing. Clients are told apart by their
// loopback source address (127.0.0.2, 127.0.0.3, …).

const nginxPort = Number(process.env.E2E_NGINX_PORT);
const nginxPlainPort = Number(process.env.E2E_NGINX_PLAIN_PORT);

test("a signature through nginx is stored under the address nginx saw, not one the client wrote", async ({ request }) => {
  const signFrom = async (localAddress: string, forwardedFor: string) => {
    const email = uniqueEmail("proxied");
    const body = await withProofOfWork(request, { name: uniqueName("Ola"), email, country: "PL", acceptPrivacy: true, locale: "en" });
    const response = await requestFrom({
      localAddress,
      port: nginxPort,
      path: "/api/v1/signatures",
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
      body: JSON.stringify(body),
    });
    expect(response.status, response.body).toBe(202);
    return readIpHash(email);
  };

  const first = await signFrom("127.0.0.2", "203.0.113.1");
  const sameMachineOtherLie = await signFrom("127.0.0.2", "198.51.100.2, 203.0.113.9");
  const otherMachineSameLie = await signFrom("127.0.0.3", "203.0.113.1");
  expect(first).toMatch(/^[\w-]{22}$/);
  expect(sameMachineOtherLie).toBe(first);
  expect(otherMachineSameLie).not.toBe(first);
});

test("sign-in attempts through nginx are limited by the address nginx saw, whatever the client writes", async () => {
  const csrf = await requestFrom({ localAddress: "127.0.0.4", port: nginxPort, path: "/api/auth/csrf" });
  expect(csrf.status).toBe(200);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const cookie = (csrf.headers["set-cookie"] ?? []).map((line) => line.split(";")[0]).join("; ");

  const attempt = async (localAddress: string, forwardedFor: string) => {
    const response = await requestFrom({
      localAddress,
      port: nginxPort,
      path: "/api/auth/callback/credentials",
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-forwarded-for": forwardedFor },
      body: new URLSearchParams({ csrfToken, email: uniqueEmail("guess"), password: "not the password", json: "true" }).toString(),
    });
    return new URL((JSON.parse(response.body) as { url: string }).url).searchParams.get("error");
  };

  // 20 attempts a client per 15 minutes (README, Organizers), each under a new made-up address.
  for (let i = 1; i <= 20; i += 1) expect(await attempt("127.0.0.4", `203.0.113.${i}`)).toBe("CredentialsSignin");
  expect(await attempt("127.0.0.4", "203.0.113.21")).toBe("RateLimited");
  // Another machine is not held back by it.
  expect(await attempt("127.0.0.5", "203.0.113.21")).toBe("CredentialsSignin");
});

test("nginx keeps the letter page as long as its s-maxage says, one copy whatever the query, and passes Next's navigations through", async () => {
  const letter = (path: string, headers: Record<string, string> = {}) =>
    requestFrom({ localAddress: "127.0.0.6", port: nginxPort, path, headers: { "accept-encoding": "gzip", ...headers } });

  await expect.poll(async () => (await letter("/en")).headers["x-cache-status"], { timeout: 15_000 }).toBe("HIT");
  const hit = await letter("/en?ref=partner-one&utm_source=tg");
  expect(hit.headers["x-cache-status"]).toBe("HIT");
  expect(hit.headers["cache-control"]).toMatch(/\bs-maxage=(\d+)/);
  expect(hit.headers["content-type"]).toMatch(/^text\/html/);

  expect((await letter("/en", { rsc: "1" })).headers["x-cache-status"]).toBe("BYPASS");

  // Past its s-maxage the copy is no longer served as fresh: nginx refreshes it.
  const maxAgeSeconds = Number(/\bs-maxage=(\d+)/.exec(String(hit.headers["cache-control"]))![1]);
  expect(maxAgeSeconds).toBeLessThanOrEqual(10);
  await expect
    .poll(async () => (await letter("/en")).headers["x-cache-status"], { timeout: (maxAgeSeconds + 10) * 1000, intervals: [500] })
    .toMatch(/^(STALE|UPDATING|EXPIRED)$/);
});

test("plain HTTP to the site is sent to HTTPS", async () => {
  const response = await requestFrom({ localAddress: "127.0.0.1", port: nginxPlainPort, path: "/en?ref=abc" });
  expect(response.status).toBe(301);
  expect(response.headers.location).toBe("https://127.0.0.1/en?ref=abc");
});
