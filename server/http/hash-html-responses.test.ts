import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { hashInlineScriptsOfPage, mayBeHtmlPage } from "./hash-html-responses";
import { inlineScriptHashes } from "./script-hashes";

const POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
const PAGE = `<!doctype html><html><head><script src="/_next/static/a.js"></script></head><body><h1>Письмо</h1><script>(self.__next_f=self.__next_f||[]).push([0])</script>${"<p>text</p>".repeat(200)}<script>self.__next_f.push([1,"x"])</script></body></html>`;

/** Plays Next's part: how the handler writes its answer varies per test. */
type Handler = (response: http.ServerResponse) => void;

const servers: http.Server[] = [];
async function serve(handler: Handler): Promise<string> {
  const server = http.createServer((request, response) => {
    if (mayBeHtmlPage(request, new URL(request.url ?? "/", "http://x").pathname)) hashInlineScriptsOfPage(request, response);
    handler(response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A raw GET (fetch would decompress and hide the encoding). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

const expectedPolicy = (html: string) => `default-src 'self'; script-src 'self' ${inlineScriptHashes(html).join(" ")}; frame-ancestors 'none'`;

describe("hash-based script policy on pages from Next", () => {
  it("streams written in pieces after writeHead: the page arrives whole with its scripts' hashes, gzipped when asked", async () => {
    const callbacks: string[] = [];
    const url = await serve((response) => {
      response.setHeader("content-security-policy", POLICY);
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", vary: "rsc" });
      response.flushHeaders();
      const middle = Math.floor(PAGE.length / 2);
      response.write(PAGE.slice(0, middle), () => callbacks.push("first"));
      response.write(Buffer.from(PAGE.slice(middle)));
      response.end(() => callbacks.push("end"));
    });
    const plain = await get(`${url}/en/privacy`, { accept: "text/html" });
    expect(plain.status).toBe(200);
    expect(plain.body.toString("utf8")).toBe(PAGE);
    expect(plain.headers["content-security-policy"]).toBe(expectedPolicy(PAGE));
    expect(plain.headers["content-security-policy"]).not.toContain("unsafe-inline");
    expect(plain.headers["content-length"]).toBe(String(Buffer.byteLength(PAGE)));

    const zipped = await get(`${url}/en/privacy`, { "accept-encoding": "gzip, br" });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toBe("rsc, Accept-Encoding");
    expect(gunzipSync(zipped.body).toString("utf8")).toBe(PAGE);
    expect(zipped.headers["content-security-policy"]).toBe(expectedPolicy(PAGE));
    expect(callbacks).toEqual(["first", "end", "first", "end"]);
  });

  it("a page sent with setHeader and one end(), a 404 page and a status message keep their status", async () => {
    const url = await serve((response) => {
      response.statusCode = 404;
      response.setHeader("content-type", "text/html");
      response.setHeader("content-security-policy", POLICY);
      response.end(PAGE);
    });
    const answer = await get(`${url}/en/missing`);
    expect(answer.status).toBe(404);
    expect(answer.headers["content-security-policy"]).toBe(expectedPolicy(PAGE));

    const withMessage = await serve((response) => {
      response.writeHead(203, "Partial", { "content-type": "text/html", "content-security-policy": POLICY });
      response.end(PAGE);
    });
    const partial = await new Promise<http.IncomingMessage>((resolve) => http.get(`${withMessage}/en`, resolve));
    expect(partial.statusCode).toBe(203);
    expect(partial.statusMessage).toBe("Partial");
    partial.resume();
  });

  it("keeps wrappers Next puts around the response afterwards (its compression does): a streamed image arrives whole", async () => {
    const wrapperSaw: string[] = [];
    const url = await serve((response) => {
      // Like the compression middleware: wraps write and end after us, and counts on its end running.
      const write = response.write;
      const end = response.end;
      response.write = function (this: http.ServerResponse, ...args: unknown[]) {
        wrapperSaw.push("write");
        return (write as (...a: unknown[]) => boolean).apply(this, args);
      } as http.ServerResponse["write"];
      response.end = function (this: http.ServerResponse, ...args: unknown[]) {
        wrapperSaw.push("end");
        return (end as (...a: unknown[]) => http.ServerResponse).apply(this, args);
      } as http.ServerResponse["end"];
      response.setHeader("content-type", "image/png");
      void (async () => {
        response.flushHeaders();
        for (let index = 0; index < 6; index++) {
          if (!response.write(Buffer.alloc(16 * 1024, index))) await new Promise((resolve) => response.once("drain", resolve));
        }
        response.end();
      })();
    });
    const image = await get(`${url}/en/og.png`, { "accept-encoding": "gzip" });
    expect(image.body.length).toBe(6 * 16 * 1024);
    expect(image.headers["content-encoding"]).toBeUndefined();
    expect(wrapperSaw.filter((call) => call === "write")).toHaveLength(6);
    expect(wrapperSaw.at(-1)).toBe("end");
  });

  it("a page answering a form POST (a server action without JavaScript) gets the same hashed policy, and its redirect passes", async () => {
    const url = await serve((response) => {
      response.setHeader("content-security-policy", POLICY);
      if (response.req.url === "/en/redirects") {
        response.writeHead(303, { location: "/en/thanks" });
        response.end();
        return;
      }
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(PAGE);
    });
    const post = (path: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const sent = http.request(`${url}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } }, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
        });
        sent.on("error", reject);
        sent.end("name=Anna&%24ACTION_ID_abc=");
      });
    const page = await post("/en");
    expect(page.status).toBe(200);
    expect(page.body).toBe(PAGE);
    expect(page.headers["content-security-policy"]).toBe(expectedPolicy(PAGE));
    expect(page.headers["content-security-policy"]).not.toContain("unsafe-inline");
    const redirect = await post("/en/redirects");
    expect(redirect.status).toBe(303);
    expect(redirect.headers.location).toBe("/en/thanks");
  });

  it("a 304 carries no policy, so the one the browser stored with the page (and its hashes) stays", async () => {
    const url = await serve((response) => {
      response.setHeader("content-security-policy", POLICY);
      response.setHeader("content-type", "text/html");
      response.statusCode = 304;
      response.end();
    });
    const notModified = await get(`${url}/en/privacy`, { "if-none-match": '"abc"' });
    expect(notModified.status).toBe(304);
    expect(notModified.headers["content-security-policy"]).toBeUndefined();
  });

  it("leaves anything that is not HTML as Next wrote it, and never touches API, static or RSC requests", async () => {
    const url = await serve((response) => {
      response.writeHead(200, { "content-type": "application/json", "content-security-policy": POLICY });
      response.write('{"a":');
      response.end("1}");
    });
    const json = await get(`${url}/en/data`, { "accept-encoding": "gzip" });
    expect(json.body.toString()).toBe('{"a":1}');
    expect(json.headers["content-security-policy"]).toBe(POLICY);
    expect(json.headers["content-encoding"]).toBeUndefined();

    const request = (method: string, headers: Record<string, string> = {}) => ({ method, headers }) as unknown as http.IncomingMessage;
    expect(mayBeHtmlPage(request("GET"), "/en")).toBe(true);
    expect(mayBeHtmlPage(request("POST"), "/en")).toBe(true);
    expect(mayBeHtmlPage(request("POST", { "next-action": "abc" }), "/admin/organizers")).toBe(false);
    expect(mayBeHtmlPage(request("POST"), "/api/v1/confirmations")).toBe(false);
    expect(mayBeHtmlPage(request("HEAD"), "/en")).toBe(false);
    expect(mayBeHtmlPage(request("GET"), "/_next/static/chunks/a.js")).toBe(false);
    expect(mayBeHtmlPage(request("GET"), "/api/v1/stats")).toBe(false);
    expect(mayBeHtmlPage(request("GET", { rsc: "1" }), "/en")).toBe(false);
    expect(mayBeHtmlPage(request("GET", { "next-action": "abc" }), "/en")).toBe(false);
  });
});
