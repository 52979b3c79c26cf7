import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LOCALES, type Locale } from "@/lib/i18n/locales";
import { LINK_TOKEN_SHAPE } from "@/lib/schemas/confirm-signature";
import { isAppError } from "@/server/errors";
import { getSignerSharing } from "@/server/sharing/referrals";
import { getConfirmationState } from "@/server/signatures/confirm-signature";
import { readNextPage } from "./next-page";
import { inlineScriptBodies, scriptHash, withScriptHashes } from "./script-hashes";
import { getInternalMarkers, INTERNAL_REQUEST_HEADER } from "./internal-request";

/** How long a template is used before a fresh one is fetched (it changes only with a deploy). */
export const TOKEN_PAGE_TEMPLATE_FRESH_MS = 60_000;

type TokenPage = "confirm" | "confirmed";
type Slot = "token" | "refCode";
/** Even entries are fixed text, odd entries the slot that goes there. */
type Template = (string | Slot)[];
type CachedTemplate = {
  headers: Record<string, string>;
  body: Template;
  /** Hashes of the inline scripts no marker is in: the same for every signer. */
  fixedScriptHashes: string[];
  /** The inline scripts a marker is in, hashed per signer once filled in. */
  filledScripts: Template[];
  fetchedAt: number;
};

const TOKEN_PAGE_PATH = new RegExp(`^/(${LOCALES.join("|")})/(confirm|confirmed)$`);

function cutAtMarkers(text: string): Template {
  const { token, refCode } = getInternalMarkers();
  return text.split(new RegExp(`(${token}|${refCode})`)).map((part, index) => (index % 2 === 0 ? part : part === token ? "token" : "refCode"));
}

function fill(template: Template, values: Record<Slot, string>): string {
  let out = "";
  for (let index = 0; index < template.length; index++) out += index % 2 === 0 ? template[index] : values[template[index] as Slot];
  return out;
}

/** What a signer's request needs filled in, or null when Next should answer (any other state). */
function valuesFor(page: TokenPage, token: string): Record<Slot, string> | null {
  try {
    if (page === "confirm") return getConfirmationState({ token }) === "ready" ? { token, refCode: "" } : null;
    return { token, refCode: getSignerSharing({ token, purpose: "confirm" }).refCode };
  } catch (error) {
    if (isAppError(error)) return null;
    throw error;
  }
}

/**
 * The confirmation flow's two pages served from templates (decision 0014):
 * `GET /{locale}/confirm?token=…` while the token is ready to confirm, and
 * `GET /{locale}/confirmed?token=…` for a token that names a signer. Each is
 * rendered by Next once a minute per locale for a marker token
 * (internal-request.ts); every signer's copy is that HTML with their token
 * and ref code put in place of the markers, after the same database checks
 * the page itself makes. Any other state (already confirmed, unknown,
 * expired, `?problem=`), RSC and prefetch requests, and the first request
 * before a template exists go to Next.
 */
export function createTokenPageTemplates(options: {
  fetchFromNext: (pathAndQuery: string, headers: Record<string, string>) => Promise<Response>;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const templates = new Map<string, CachedTemplate>();
  const fetching = new Map<string, Promise<void>>();

  const refresh = (page: TokenPage, locale: Locale): void => {
    const key = `${page}:${locale}`;
    if (fetching.has(key)) return;
    const markers = getInternalMarkers();
    const started = (async () => {
      try {
        const response = await options.fetchFromNext(`/${locale}/${page}?token=${markers.token}`, {
          [INTERNAL_REQUEST_HEADER]: markers.key,
          "accept-language": locale,
        });
        const read = await readNextPage(response);
        // The template must be the page in the state it stands for: the ready form, the signer's own link.
        const expected = page === "confirm" ? markers.token : markers.refCode;
        if (!read || !read.body.toString("utf8").includes(expected)) {
          templates.delete(key);
          return;
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(read.headers)) if (!value.includes(markers.token)) headers[name] = value;
        headers["cache-control"] = "private, no-store";
        const text = read.body.toString("utf8");
        const scripts = inlineScriptBodies(text);
        const hasMarker = (script: string) => script.includes(markers.token) || script.includes(markers.refCode);
        templates.set(key, {
          headers,
          body: cutAtMarkers(text),
          fixedScriptHashes: [...new Set(scripts.filter((script) => !hasMarker(script)).map(scriptHash))],
          filledScripts: scripts.filter(hasMarker).map(cutAtMarkers),
          fetchedAt: now(),
        });
      } catch (error) {
        console.error("[token-pages] template refresh failed:", error instanceof Error ? error.message : "unknown error");
      } finally {
        fetching.delete(key);
      }
    })();
    fetching.set(key, started);
  };

  return {
    /** Serves the request from a template and returns true, or returns false to let Next answer. */
    serve(request: IncomingMessage, response: ServerResponse, pathname: string, search: string): boolean {
      const match = TOKEN_PAGE_PATH.exec(pathname);
      if (!match) return false;
      if (request.method !== "GET" && request.method !== "HEAD") return false;
      const { headers } = request;
      if (headers.rsc || headers["next-router-prefetch"] || headers["next-router-state-tree"] || headers["next-action"]) return false;
      if (headers[INTERNAL_REQUEST_HEADER]) return false;
      const query = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
      const token = query.get("token");
      // Only the plain link from the email (or the button's redirect): anything else is Next's to answer.
      if (!token || !LINK_TOKEN_SHAPE.test(token) || [...query.keys()].some((name) => name !== "token")) return false;
      const locale = match[1] as Locale;
      const page = match[2] as TokenPage;
      const template = templates.get(`${page}:${locale}`);
      if (!template || now() - template.fetchedAt >= TOKEN_PAGE_TEMPLATE_FRESH_MS) refresh(page, locale);
      if (!template) return false;
      const values = valuesFor(page, token);
      if (!values) return false;
      const body = Buffer.from(fill(template.body, values), "utf8");
      const sent: Record<string, string> = { ...template.headers, "content-length": String(body.length) };
      // The signer's token is inside some of the page's inline scripts: those hash differently per signer.
      const policy = sent["content-security-policy"];
      if (policy) {
        const filledHashes = template.filledScripts.map((script) => scriptHash(fill(script, values)));
        sent["content-security-policy"] = withScriptHashes(policy, [...new Set([...template.fixedScriptHashes, ...filledHashes])]);
      }
      response.writeHead(200, sent);
      response.end(request.method === "HEAD" ? undefined : body);
      return true;
    },
  };
}
