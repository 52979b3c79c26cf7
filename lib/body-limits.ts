/**
 * The largest request body each route accepts, decided in one table
 * (decision 0017). The production front (server/http/body-limits.ts) refuses
 * anything larger with 413 before a byte of it reaches Next or a handler;
 * proxy.ts applies the same table to page posts under plain `next start` and
 * `next dev`; the sign and confirmation handlers read bodies with the same
 * numbers. A route that starts reading bodies needs a row here.
 */
import { UPDATE_FORM_MAX_BYTES } from "./schemas/update";

export type BodyLimit = {
  maxBytes: number;
  /** How a refusal is worded: JSON for the APIs, plain text for pages. */
  answer: "json" | "text";
};

export const SIGN_API_MAX_BODY_BYTES = 16 * 1024;
export const CONFIRM_API_MAX_BODY_BYTES = 4 * 1024;
/** RFC 8058's one-click unsubscribe: the body is exactly `List-Unsubscribe=One-Click` (decision 0022). */
export const UNSUBSCRIBE_API_MAX_BODY_BYTES = 1024;
/** next-auth's sign-in and sign-out: a CSRF token, email, password, second-factor code and callback URL. */
export const AUTH_MAX_BODY_BYTES = 8 * 1024;
/** Server actions (the sign form is ~2 KB), posted by the page's script or, without JavaScript, by the form itself. */
export const FORM_POST_MAX_BODY_BYTES = 64 * 1024;

type BodyLimitRule = { path: string; prefix?: true; method?: "POST"; limit: BodyLimit };

/** First match wins. */
const BODY_LIMIT_RULES: readonly BodyLimitRule[] = [
  { path: "/api/v1/signatures", limit: { maxBytes: SIGN_API_MAX_BODY_BYTES, answer: "json" } },
  { path: "/api/v1/confirmations", limit: { maxBytes: CONFIRM_API_MAX_BODY_BYTES, answer: "json" } },
  { path: "/api/v1/unsubscribe", limit: { maxBytes: UNSUBSCRIBE_API_MAX_BODY_BYTES, answer: "json" } },
  { path: "/api/auth/", prefix: true, limit: { maxBytes: AUTH_MAX_BODY_BYTES, answer: "json" } },
  // No other API route reads a body (challenge, stats and health are GETs).
  { path: "/api/", prefix: true, limit: { maxBytes: 0, answer: "json" } },
  // The update editor posts up to three 100 KB texts at once (lib/schemas/update.ts, decision 0021).
  { path: "/admin/updates/", prefix: true, method: "POST", limit: { maxBytes: UPDATE_FORM_MAX_BYTES, answer: "text" } },
  { path: "/", prefix: true, method: "POST", limit: { maxBytes: FORM_POST_MAX_BODY_BYTES, answer: "text" } },
];

/** Everything else (GET, HEAD, OPTIONS of pages and files): nothing reads a body. */
const NO_BODY: BodyLimit = { maxBytes: 0, answer: "text" };

/** The body limit of a request, from its method and path (without the query). */
export function findBodyLimit(method: string | undefined, pathname: string): BodyLimit {
  for (const rule of BODY_LIMIT_RULES) {
    if (rule.method && rule.method !== method) continue;
    if (rule.prefix ? pathname.startsWith(rule.path) : pathname === rule.path) return rule.limit;
  }
  return NO_BODY;
}
