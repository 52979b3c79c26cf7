import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { applyUpdatesCacheControl, isUpdatesPath, UPDATES_CACHE_CONTROL } from "./updates-cache-control";

describe("the updates' Cache-Control", () => {
  it.each([
    ["/en/updates", true],
    ["/ru/updates/letter-delivered", true],
    ["/uk/updates/feed.xml", true],
    ["/en", false],
    ["/en/updates/a/b", false],
    ["/de/updates", false],
    ["/admin/updates", false],
  ])("%s is an updates path: %s", (pathname, expected) => {
    expect(isUpdatesPath(pathname)).toBe(expected);
  });

  it("replaces a shareable header from Next and leaves a private one", async () => {
    const server = http.createServer((request, response) => {
      applyUpdatesCacheControl(response);
      response.setHeader("Cache-Control", request.url === "/shared" ? "s-maxage=30, stale-while-revalidate=31535970" : "private, no-cache, no-store, max-age=0, must-revalidate");
      response.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/shared`)).headers.get("cache-control")).toBe(UPDATES_CACHE_CONTROL);
      expect((await fetch(`${base}/private`)).headers.get("cache-control")).toBe("private, no-cache, no-store, max-age=0, must-revalidate");
    } finally {
      server.close();
    }
  });
});
