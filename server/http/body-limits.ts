import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { findBodyLimit, type BodyLimit } from "@/lib/body-limits";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import { isLocale } from "@/lib/i18n/locales";
import { pickLocale } from "@/server/api/http";
import { FAST_PATH_SECURITY_HEADERS } from "./security-headers";

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** How long a refused connection stays open, unread, for the client to read the 413 (see lingerThenClose). */
const LINGER_MS = 2_000;

/**
 * Hands `request` to `handle` only once its body is known to fit its
 * route's limit (lib/body-limits.ts, decision 0017); otherwise answers 413
 * with `connection: close` and stops reading the socket once the answer is
 * out (lingerThenClose). A declared Content-Length is checked at once (Node's parser never
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
  lingerThenClose(request.socket);
  response.writeHead(413, {
    ...FAST_PATH_SECURITY_HEADERS,
    "content-type": limit.answer === "json" ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "content-length": String(Buffer.byteLength(body)),
    connection: "close",
  });
  response.end(body);
}

/**
 * Closing a socket that still has unread bytes makes the kernel reset the
 * connection, and a reset can discard the 413 before a client that is still
 * sending has read it. So, as nginx's lingering close does, the answer goes
 * out with a FIN, the socket stops reading (whatever more the client sends
 * waits unread in the kernel's buffers) and it is closed LINGER_MS later.
 * Node calls `destroySoon` once a `connection: close` response is written.
 */
function lingerThenClose(socket: Socket): void {
  Object.assign(socket, {
    destroySoon() {
      socket.end();
      // After Node's own dump of the unread body has resumed the socket (on the next tick).
      setImmediate(() => socket.pause());
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    },
  });
}
