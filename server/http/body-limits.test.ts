import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bodyOf, sendLargeBody, statusOf } from "@/test/large-body";
import { admitBody } from "./body-limits";

// A real node:http server with the front's admission in front of a handler
// that reads whole bodies, as Next does: what the handler sees, and what a
// client sending 300 MB gets.

const MB = 1024 * 1024;

type Seen = { pathname: string; bytes: number; headers: http.IncomingHttpHeaders };

let server: http.Server;
let port: number;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) =>
    admitBody(request, response, (admitted, answer) => {
      const chunks: Buffer[] = [];
      admitted.on("data", (chunk: Buffer) => chunks.push(chunk));
      admitted.on("end", () => {
        const body = Buffer.concat(chunks);
        seen.push({ pathname: admitted.url ?? "", bytes: body.length, headers: admitted.headers });
        const text = `read ${body.length}`;
        answer.writeHead(200, { "content-type": "text/plain", "content-length": String(text.length) }).end(text);
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

describe("admitBody", () => {
  it("answers a declared 300 MB sign-in body with 413 and stops reading: the handler never sees it", async () => {
    const { response, written } = await sendLargeBody({ port, path: "/api/auth/callback/credentials", totalBytes: 300 * MB, chunked: false, headers: { "Accept-Language": "ru" } });
    expect(statusOf(response)).toBe(413);
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(bodyOf(response))).toEqual({ error: "Тело запроса слишком велико." });
    expect(written).toBeLessThan(64 * MB);
    expect(seen).toEqual([]);
  });

  it("counts a chunked 300 MB form post, answers 413 as text in the page's language past 64 KB, and stops reading", async () => {
    const { response, written } = await sendLargeBody({ port, path: "/uk?x=1", totalBytes: 300 * MB, chunked: true, headers: { "Next-Action": "abc" } });
    expect(statusOf(response)).toBe(413);
    expect(response).toMatch(/\r\ncontent-type: text\/plain; charset=utf-8\r\n/i);
    expect(bodyOf(response)).toBe("Тіло запиту завелике.");
    expect(written).toBeLessThan(64 * MB);
    expect(seen).toEqual([]);
  });

  it("refuses a chunked sign body one byte over 16 KB, and hands one of exactly 16 KB over whole, with its length", async () => {
    const over = await sendLargeBody({ port, path: "/api/v1/signatures", totalBytes: 16 * 1024 + 1, chunked: true });
    expect(statusOf(over.response)).toBe(413);
    expect(seen).toEqual([]);

    const fits = await sendLargeBody({ port, path: "/api/v1/signatures", totalBytes: 16 * 1024, chunked: true });
    expect(statusOf(fits.response)).toBe(200);
    expect(bodyOf(fits.response)).toBe(`read ${16 * 1024}`);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers["content-length"]).toBe(String(16 * 1024));
    expect(seen[0]!.headers["transfer-encoding"]).toBeUndefined();
  });

  it("lets bodies within their limit and requests without one through, and keeps serving after refusals", async () => {
    expect(statusOf((await sendLargeBody({ port, path: "/en", totalBytes: 2048, chunked: false })).response)).toBe(200);
    expect(statusOf((await sendLargeBody({ port, method: "GET", path: "/en", totalBytes: 0, chunked: false })).response)).toBe(200);
    expect(statusOf((await sendLargeBody({ port, method: "GET", path: "/en", totalBytes: 1, chunked: false })).response)).toBe(413);
    expect(statusOf((await sendLargeBody({ port, path: "/api/v1/confirmations", totalBytes: 4 * 1024 + 1, chunked: false })).response)).toBe(413);
    const answer = await fetch(`http://127.0.0.1:${port}/api/v1/signatures`, { method: "POST", body: "{}" });
    expect(answer.status).toBe(200);
    expect(seen.map((request) => request.bytes)).toEqual([2048, 0, 2]);
  });
});
