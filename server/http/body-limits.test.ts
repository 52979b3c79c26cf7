import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
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

/**
 * Sends `totalBytes` of body as fast as the server takes them, over a raw
 * socket, and returns what came back and how much was written before the
 * server closed the connection.
 */
function sendBody(options: { method?: string; path: string; totalBytes: number; chunked: boolean; headers?: Record<string, string> }): Promise<{ response: string; written: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    let written = 0;
    let closed = false;
    const piece = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      while (!closed && written < options.totalBytes) {
        const size = Math.min(piece.length, options.totalBytes - written);
        const data = options.chunked ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece.subarray(0, size), Buffer.from("\r\n")]) : piece.subarray(0, size);
        written += size;
        if (!socket.write(data)) return void socket.once("drain", pump);
      }
      if (!closed && options.chunked) socket.write("0\r\n\r\n");
    };
    socket.on("connect", () => {
      const head = [
        `${options.method ?? "POST"} ${options.path} HTTP/1.1`,
        "Host: 127.0.0.1",
        options.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${options.totalBytes}`,
        ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
        "",
        "",
      ].join("\r\n");
      socket.write(head);
      pump();
    });
    socket.on("data", (chunk: Buffer) => {
      received.push(chunk);
      // A complete answer to a body that fit: this client sends one request per connection.
      if (Buffer.concat(received).toString("latin1").startsWith("HTTP/1.1 200") && written >= options.totalBytes) socket.end();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      closed = true;
      resolve({ response: Buffer.concat(received).toString("utf8"), written });
    });
  });
}

const statusOf = (response: string) => Number(response.slice(9, 12));
const bodyOf = (response: string) => response.slice(response.indexOf("\r\n\r\n") + 4);

describe("admitBody", () => {
  it("answers a declared 300 MB sign-in body with 413 and stops reading: the handler never sees it", async () => {
    const { response, written } = await sendBody({ path: "/api/auth/callback/credentials", totalBytes: 300 * MB, chunked: false, headers: { "Accept-Language": "ru" } });
    expect(statusOf(response)).toBe(413);
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(bodyOf(response))).toEqual({ error: "Тело запроса слишком велико." });
    expect(written).toBeLessThan(64 * MB);
    expect(seen).toEqual([]);
  });

  it("counts a chunked 300 MB form post, answers 413 as text in the page's language past 64 KB, and stops reading", async () => {
    const { response, written } = await sendBody({ path: "/uk?x=1", totalBytes: 300 * MB, chunked: true, headers: { "Next-Action": "abc" } });
    expect(statusOf(response)).toBe(413);
    expect(response).toMatch(/\r\ncontent-type: text\/plain; charset=utf-8\r\n/i);
    expect(bodyOf(response)).toBe("Тіло запиту завелике.");
    expect(written).toBeLessThan(64 * MB);
    expect(seen).toEqual([]);
  });

  it("refuses a chunked sign body one byte over 16 KB, and hands one of exactly 16 KB over whole, with its length", async () => {
    const over = await sendBody({ path: "/api/v1/signatures", totalBytes: 16 * 1024 + 1, chunked: true });
    expect(statusOf(over.response)).toBe(413);
    expect(seen).toEqual([]);

    const fits = await sendBody({ path: "/api/v1/signatures", totalBytes: 16 * 1024, chunked: true });
    expect(statusOf(fits.response)).toBe(200);
    expect(bodyOf(fits.response)).toBe(`read ${16 * 1024}`);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers["content-length"]).toBe(String(16 * 1024));
    expect(seen[0]!.headers["transfer-encoding"]).toBeUndefined();
  });

  it("lets bodies within their limit and requests without one through, and keeps serving after refusals", async () => {
    expect(statusOf((await sendBody({ path: "/en", totalBytes: 2048, chunked: false })).response)).toBe(200);
    expect(statusOf((await sendBody({ method: "GET", path: "/en", totalBytes: 0, chunked: false })).response)).toBe(200);
    expect(statusOf((await sendBody({ method: "GET", path: "/en", totalBytes: 1, chunked: false })).response)).toBe(413);
    expect(statusOf((await sendBody({ path: "/api/v1/confirmations", totalBytes: 4 * 1024 + 1, chunked: false })).response)).toBe(413);
    const answer = await fetch(`http://127.0.0.1:${port}/api/v1/signatures`, { method: "POST", body: "{}" });
    expect(answer.status).toBe(200);
    expect(seen.map((request) => request.bytes)).toEqual([2048, 0, 2]);
  });
});
