import SECURITY_HEADERS from "@/lib/security-headers.json";

/**
 * The headers Next adds to its pages (next.config.js), for the responses the
 * custom server writes itself: the same list, from the same file.
 */
export const FAST_PATH_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...Object.fromEntries(SECURITY_HEADERS.common.map(([key, value]) => [key!.toLowerCase(), value!])),
  "x-frame-options": "DENY",
  "content-security-policy": [...SECURITY_HEADERS.contentSecurityPolicy, "frame-ancestors 'none'"].join("; "),
});
