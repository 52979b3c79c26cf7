import "server-only";
import type { ServerResponse } from "node:http";
import { LOCALES } from "@/lib/i18n/locales";

/**
 * What browsers and CDNs are told about the news log, each update's page and
 * the feeds (decision 0021), in the letter page's terms (decision 0012):
 * revalidate at once in a browser, keep 10 s in a shared cache and serve it
 * stale for a minute while refetching. Next's own ISR header would let a CDN
 * serve a stale copy for up to a year.
 */
export const UPDATES_CACHE_CONTROL = "public, max-age=0, s-maxage=10, stale-while-revalidate=60";

const UPDATES_PATH = new RegExp(`^/(?:${LOCALES.join("|")})/updates(?:/[^/]+)?(?:/feed\\.xml)?$`);

export function isUpdatesPath(pathname: string): boolean {
  return UPDATES_PATH.test(pathname);
}

/**
 * Replaces the Cache-Control Next sets on an updates page or feed, where
 * Next marks it as shareable (`s-maxage`: a cached ISR answer), with
 * UPDATES_CACHE_CONTROL. Anything Next marks private or uncacheable keeps
 * its header.
 */
export function applyUpdatesCacheControl(response: ServerResponse): void {
  const setHeader = response.setHeader;
  response.setHeader = function setHeaderWithPolicy(this: ServerResponse, name: string, value: number | string | readonly string[]) {
    const isShared = name.toLowerCase() === "cache-control" && /\bs-maxage=/.test(String(value));
    return setHeader.call(this, name, isShared ? UPDATES_CACHE_CONTROL : value);
  } as ServerResponse["setHeader"];
}
