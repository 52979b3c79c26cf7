import type { IncomingMessage, ServerResponse } from "node:http";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { signatures } from "@/db/schema";
import { setUpTestDatabase } from "@/test/database";
import { createPendingSigner, createVerifiedSigner } from "@/test/factories";
import { getInternalMarkers, isInternalRequest, INTERNAL_REQUEST_HEADER } from "./internal-request";
import { inlineScriptHashes, withScriptHashes } from "./script-hashes";
import { createTokenPageTemplates, TOKEN_PAGE_TEMPLATE_FRESH_MS } from "./token-page-templates";

type Sent = { status: number; headers: Record<string, string>; body: string };

function fakeResponse() {
  const sent: Sent = { status: 0, headers: {}, body: "" };
  const response = {
    writeHead(status: number, headers: Record<string, string>) {
      sent.status = status;
      sent.headers = headers;
      return response;
    },
    end(body?: Buffer) {
      sent.body = body ? body.toString("utf8") : "";
    },
  };
  return { response: response as unknown as ServerResponse, sent };
}

const POLICY = "default-src 'self'; script-src 'self' 'sha256-of-the-template'; frame-ancestors 'none'";

const request = (headers: Record<string, string> = {}, method = "GET") => ({ method, headers }) as unknown as IncomingMessage;

describe("the confirmation flow's pages from templates", () => {
  let db: AppDatabase;
  let clock: number;
  let fetched: { path: string; headers: Record<string, string> }[];
  let renderedByNext: (path: string) => string;
  let pages: ReturnType<typeof createTokenPageTemplates>;

  /** The confirmation links of a pending signer and of one who already confirmed. */
  let readyToken: string;
  let doneToken: string;

  setUpTestDatabase((opened) => ({ db } = opened));
  beforeEach(async () => {
    // The real clock, as the templates' server reads it.
    ({ confirmToken: readyToken } = await createPendingSigner(db, { name: "Anna", email: "ready@example.org", now: Date.now() }));
    ({ confirmToken: doneToken } = await createVerifiedSigner(db, { name: "Anna", email: "done@example.org", now: Date.now() }));
    clock = 1_000_000;
    fetched = [];
    // Stands in for Next: the page as it renders for the marker token (what the real pages do, tested end to end).
    renderedByNext = (path) => {
      const markers = getInternalMarkers();
      const url = new URL(path, "http://app.test");
      const token = url.searchParams.get("token");
      return url.pathname.endsWith("/confirmed")
        ? `<main lang="${url.pathname.slice(1, 3)}"><input value="https://app.test/en?ref=${markers.refCode}"><a href="https://t.me/share/url?url=https%3A%2F%2Fapp.test%2Fen%3Fref%3D${markers.refCode}">t</a></main>`
        : `<main><form action="/api/v1/confirmations" method="post"><input type="hidden" name="token" value="${token}"></form><script>self.boot()</script><script>self.push(["?token=${token}"])</script></main>`;
    };
    pages = createTokenPageTemplates({
      now: () => clock,
      fetchFromNext: async (path, headers) => {
        fetched.push({ path, headers });
        return new Response(renderedByNext(path), {
          status: 200,
          headers: { "content-type": "text/html; charset=utf-8", "x-nextjs-cache": "MISS", link: "<x>", "content-security-policy": POLICY },
        });
      },
    });
  });

  async function serve(path: string, headers: Record<string, string> = {}, method = "GET") {
    const [pathname, search = ""] = path.split("?");
    const { response, sent } = fakeResponse();
    const served = pages.serve(request(headers, method), response, pathname!, search ? `?${search}` : "");
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { served, sent };
  }

  it("leaves the first request to Next, asks Next for the template with the key, then serves every signer their own copy", async () => {
    const ready = readyToken;
    expect((await serve(`/en/confirm?token=${ready}`)).served).toBe(false);
    expect(fetched).toHaveLength(1);
    expect(fetched[0]!.path).toBe(`/en/confirm?token=${getInternalMarkers().token}`);
    expect(isInternalRequest(fetched[0]!.headers[INTERNAL_REQUEST_HEADER])).toBe(true);

    const { served, sent } = await serve(`/en/confirm?token=${ready}`);
    expect(served).toBe(true);
    expect(sent.status).toBe(200);
    expect(sent.body).toBe(renderedByNext(`/en/confirm?token=${ready}`));
    expect(sent.headers["cache-control"]).toBe("private, no-store");
    expect(sent.headers["content-length"]).toBe(String(Buffer.byteLength(sent.body)));
    expect(sent.headers["x-nextjs-cache"]).toBeUndefined();
    expect(sent.body).not.toContain(getInternalMarkers().token);
    expect(fetched).toHaveLength(1);
    // The policy allows exactly this signer's copy's scripts (the one with their token hashes differently).
    expect(sent.headers["content-security-policy"]).toBe(withScriptHashes(POLICY, inlineScriptHashes(sent.body)));
    expect(sent.headers["content-security-policy"]).not.toContain("sha256-of-the-template");
  });

  it("leaves every other state and shape of request to Next", async () => {
    const ready = readyToken;
    await serve(`/en/confirm?token=${ready}`);
    await serve(`/en/confirm?token=${ready}`);
    const passes = [
      `/en/confirm?token=${doneToken}`, // already confirmed: Next says so
      `/en/confirm?token=${"z".repeat(43)}`, // unknown
      `/en/confirm?token=${ready}&problem=expired`,
      `/en/confirm?problem=invalid`,
      `/en/confirm?token=${ready}&_rsc=1`,
      `/de/confirm?token=${ready}`,
      `/en/confirm/x?token=${ready}`,
    ];
    for (const path of passes) expect((await serve(path)).served, path).toBe(false);
    expect((await serve(`/en/confirm?token=${ready}`, { rsc: "1" })).served).toBe(false);
    expect((await serve(`/en/confirm?token=${ready}`, { [INTERNAL_REQUEST_HEADER]: "guess" })).served).toBe(false);
    expect((await serve(`/en/confirm?token=${ready}`, {}, "POST")).served).toBe(false);
    db.update(signatures).set({ status: "withdrawn" }).run();
    expect((await serve(`/en/confirm?token=${ready}`)).served).toBe(false);
  });

  it("fills the signer's own ref code into the confirmed page, in each language", async () => {
    const done = doneToken;
    const refCode = db.select().from(signatures).where(eq(signatures.emailKey, "done@example.org")).get()!.refCode;
    await serve(`/ru/confirmed?token=${done}`);
    const { served, sent } = await serve(`/ru/confirmed?token=${done}`);
    expect(served).toBe(true);
    expect(sent.body).toContain(`<main lang="ru">`);
    expect(sent.body.split(refCode)).toHaveLength(3);
    expect(sent.body).not.toContain(getInternalMarkers().refCode);
    expect((await serve(`/ru/confirmed?token=${"q".repeat(43)}`)).served).toBe(false);
  });

  it("does not keep a template that is not the page in its state, and fetches a fresh one after a minute", async () => {
    const ready = readyToken;
    renderedByNext = () => "<main>This link does not work</main>";
    await serve(`/en/confirm?token=${ready}`);
    expect((await serve(`/en/confirm?token=${ready}`)).served).toBe(false);
    expect(fetched).toHaveLength(2);

    renderedByNext = (path) => `<form><input value="${new URL(path, "http://x").searchParams.get("token")}"></form>`;
    await serve(`/en/confirm?token=${ready}`);
    expect((await serve(`/en/confirm?token=${ready}`)).sent.body).toBe(`<form><input value="${ready}"></form>`);
    clock += TOKEN_PAGE_TEMPLATE_FRESH_MS;
    renderedByNext = (path) => `<form class="v2"><input value="${new URL(path, "http://x").searchParams.get("token")}"></form>`;
    // The old copy is served while the new one is fetched.
    expect((await serve(`/en/confirm?token=${ready}`)).sent.body).toContain(`<form><input`);
    expect((await serve(`/en/confirm?token=${ready}`)).sent.body).toContain(`class="v2"`);
  });
});
