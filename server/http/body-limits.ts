import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { findBodyLimit, type BodyLimit } from "@/lib/body-limits";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import { isLocale } from "@/lib/i18n/locales";
import { pickLocale } from "@/server/api/http";
import { FAST_PATH_SECURITY_HEADERS } from "./security-headers";

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Hands `request` to `handle` only once its body is known to fit its
 * route's limit (lib/body-limits.ts, decision 0017); otherwise answers 413
 * and `connection: close`, so Node stops reading the socket once the answer
 * is out. A declared Content-Length is checked at once (Node's parser never
 * passes more bytes than it declares). A chunked body has no length to
 * check: its chunks are counted and held as they arrive, at most the
 * limit's bytes (64 KB), and given back to the stream when it ends, so Next
 * never starts on a body that is later cut off.
 */
export function admitBody(request: IncomingMessage, response: ServerResponse, handle: RequestHandler): void {
  const url = request.url ?? "/";
  const queryAt = url.indexOf("?");
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  const limit = findBodyLimit(request.method, pathname);
  const declared = request.headers["content-length"];
  if (declared !== undefined) {
    if (Number(declared) > limit.maxBytes) refuseBody(request, response, pathname, limit);
    else handle(request, response);
    return;
  }
  // Neither header: no body. Node refuses any transfer coding but chunked with 400 before this runs.
  if (request.headers["transfer-encoding"] === undefined) {
    handle(request, response);
    return;
  }
  const pushToStream = request.push;
  const held: Buffer[] = [];
  let size = 0;
  let refused = false;
  // Node's HTTP parser hands every body chunk to `push`, and `push(null)` at the end.
  request.push = (chunk: Buffer | null): boolean => {
    if (refused) return true;
    if (chunk !== null) {
      size += chunk.length;
      if (size > limit.maxBytes) {
        refused = true;
        held.length = 0;
        refuseBody(request, response, pathname, limit);
      } else {
        held.push(chunk);
      }
      return true;
    }
    request.push = pushToStream;
    // Counted now: said so to Next (proxy.ts refuses a post it cannot count).
    request.headers["content-length"] = String(size);
    delete request.headers["transfer-encoding"];
    for (const part of held) request.push(part);
    request.push(null);
    // After the parser's own end-of-message work, as for a request whose body came with its headers.
    process.nextTick(handle, request, response);
    return false;
  };
}

function refuseBody(request: IncomingMessage, response: ServerResponse, pathname: string, limit: BodyLimit): void {
  const first = pathname.split("/")[1];
  const acceptLanguage = typeof request.headers["accept-language"] === "string" ? request.headers["accept-language"] : null;
  const locale = limit.answer === "text" && isLocale(first) ? first : pickLocale(undefined, acceptLanguage);
  const message = MESSAGE_CATALOGS[locale].Api.payloadTooLarge;
  const body = limit.answer === "json" ? JSON.stringify({ error: message }) : message;
  response.writeHead(413, {
    ...FAST_PATH_SECURITY_HEADERS,
    "content-type": limit.answer === "json" ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "content-length": String(Buffer.byteLength(body)),
    connection: "close",
  });
  response.end(body);
}
