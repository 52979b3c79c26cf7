import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { LOCALES } from "@/lib/i18n/locales";
import { INTERNAL_REQUEST_HEADER } from "./internal-request";
import { readNextPage } from "./next-page";

/** How long one copy of the letter page is served before a fresh one is fetched from Next. */
export const LETTER_PAGE_FRESH_MS = 1000;
/**
 * What browsers and CDNs are told: revalidate at once in a browser, keep 5 s
 * in a shared cache and serve it stale for a minute while refetching, so a
 * CDN in front absorbs a crowd's refreshes (the count is at most seconds old).
 */
export const LETTER_PAGE_CACHE_CONTROL = "public, max-age=0, s-maxage=5, stale-while-revalidate=60";

const LETTER_PATHS: ReadonlySet<string> = new Set(LOCALES.map((locale) => `/${locale}`));

type CachedPage = { headers: Record<string, string>; identity: Buffer; gzip: Buffer; fetchedAt: number };

/**
 * A one-second cache of the letter page (`/en`, `/ru`, `/uk`) in front of
 * Next (decision 0012). The page is the same for everyone (ISR; the query
 * string, e.g. `?ref=`, is read by the browser, not the server), so one copy
 * per locale serves every reader; a stale copy is served while one request
 * fetches the next (no stampede). Requests Next treats differently (RSC,
 * prefetch, server actions, anything but GET/HEAD) pass through, and so do
 * the refreshes themselves (they carry INTERNAL_REQUEST_HEADER): `fetchFromNext`
 * must send it.
 */
export function createLetterPageCache(options: { fetchFromNext: (pathname: string) => Promise<Response>; now?: () => number }) {
  const now = options.now ?? Date.now;
  const pages = new Map<string, CachedPage>();
  const fetching = new Map<string, Promise<void>>();

  const refresh = (pathname: string): Promise<void> => {
    const running = fetching.get(pathname);
    if (running) return running;
    const started = (async () => {
      try {
        // Only a plain 200 for everyone is shared; anything else is left to Next.
        const read = await readNextPage(await options.fetchFromNext(pathname));
        if (!read) {
          pages.delete(pathname);
          return;
        }
        const { headers, body: identity } = read;
        headers["cache-control"] = LETTER_PAGE_CACHE_CONTROL;
        headers.vary = "Accept-Encoding";
        pages.set(pathname, { headers, identity, gzip: gzipSync(identity), fetchedAt: now() });
      } catch (error) {
        console.error("[letter-cache] refresh failed:", error instanceof Error ? error.message : "unknown error");
      } finally {
        fetching.delete(pathname);
      }
    })();
    fetching.set(pathname, started);
    return started;
  };

  return {
    /** Serves the request from the cache and returns true, or returns false to let Next answer. */
    serve(request: IncomingMessage, response: ServerResponse, pathname: string, search: string): boolean {
      if (!LETTER_PATHS.has(pathname)) return false;
      if (request.method !== "GET" && request.method !== "HEAD") return false;
      const { headers } = request;
      if (headers.rsc || headers["next-router-prefetch"] || headers["next-router-state-tree"] || headers["next-action"]) return false;
      if (search.includes("_rsc=")) return false;
      // The refresh itself (the front's own request): it must reach Next, not this copy.
      if (headers[INTERNAL_REQUEST_HEADER]) return false;
      const page = pages.get(pathname);
      if (!page || now() - page.fetchedAt >= LETTER_PAGE_FRESH_MS) void refresh(pathname);
      if (!page) return false;
      const wantsGzip = /\bgzip\b/.test(headers["accept-encoding"] ?? "");
      const body = wantsGzip ? page.gzip : page.identity;
      response.writeHead(200, {
        ...page.headers,
        ...(wantsGzip ? { "content-encoding": "gzip" } : {}),
        "content-length": String(body.length),
      });
      response.end(request.method === "HEAD" ? undefined : body);
      return true;
    },
  };
}
