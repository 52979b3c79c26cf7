import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { CONFIRM_REQUEST_MAX_BODY_BYTES, handleConfirmRequest } from "@/server/api/handle-confirm-request";
import { handleSignRequest, SIGN_REQUEST_MAX_BODY_BYTES } from "@/server/api/handle-sign-request";
import { handleUnsubscribeRequest, UNSUBSCRIBE_REQUEST_MAX_BODY_BYTES } from "@/server/api/handle-unsubscribe-request";
import { BodyTooLargeError, type PlainResponse } from "@/server/api/http";
import { getSubmittingClient } from "@/server/security/client-ip";
import { readStatsJson, STATS_CORS_HEADERS, STATS_RESPONSE_HEADERS } from "@/server/stats/read-stats-json";
import { FAST_PATH_SECURITY_HEADERS } from "./security-headers";

/** Reads a request body up to `maxBytes`; past it, stops reading and throws BodyTooLargeError. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.off("data", onData);
        // Drain the rest without keeping it, so the connection can answer 413.
        request.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.once("error", reject);
  });
}

function send(response: ServerResponse, answer: PlainResponse, isHead = false): void {
  response.writeHead(answer.status, { ...FAST_PATH_SECURITY_HEADERS, ...answer.headers, "content-length": String(Buffer.byteLength(answer.body)) });
  // A string, not a Buffer: Node then sends the head and the body in one write.
  response.end(isHead ? undefined : answer.body);
}

const sendError = (response: ServerResponse) => () =>
  send(response, { status: 500, headers: { "content-type": "application/json; charset=utf-8" }, body: '{"error":"internal"}' });

/**
 * The endpoints a viral spike hits hardest, answered without Next
 * (decisions 0012, 0014): `POST /api/v1/signatures` and `POST
 * /api/v1/confirmations` (the same handlers as Next's routes,
 * group-committed), `GET /api/v1/stats` (the same cached JSON) and `POST
 * /api/v1/unsubscribe` (RFC 8058's one-click unsubscribe, decision 0022: a
 * mail provider's POST, never a page). Returns false for any other request,
 * which then goes to Next.
 */
export function handleFastApi(request: IncomingMessage, response: ServerResponse, pathname: string): boolean {
  if (pathname === "/api/v1/signatures" && request.method === "POST") {
    const { socket, headers } = request;
    handleSignRequest({
      contentType: headers["content-type"] ?? null,
      acceptLanguage: headers["accept-language"] ?? null,
      readBody: () => readBody(request, SIGN_REQUEST_MAX_BODY_BYTES),
      client: getSubmittingClient({
        forwardedFor: typeof headers["x-forwarded-for"] === "string" ? headers["x-forwarded-for"] : null,
        peerAddress: socket.remoteAddress ?? null,
      }),
    }).then((answer) => send(response, answer), sendError(response));
    return true;
  }
  if (pathname === "/api/v1/confirmations" && request.method === "POST") {
    const { headers } = request;
    handleConfirmRequest({
      contentType: headers["content-type"] ?? null,
      acceptLanguage: headers["accept-language"] ?? null,
      readBody: () => readBody(request, CONFIRM_REQUEST_MAX_BODY_BYTES),
    }).then((answer) => send(response, answer), sendError(response));
    return true;
  }
  if (pathname === "/api/v1/unsubscribe" && request.method === "POST") {
    const { headers } = request;
    const url = request.url ?? "";
    handleUnsubscribeRequest({
      search: new URLSearchParams(url.includes("?") ? url.slice(url.indexOf("?") + 1) : ""),
      contentType: headers["content-type"] ?? null,
      acceptLanguage: headers["accept-language"] ?? null,
      readBody: () => readBody(request, UNSUBSCRIBE_REQUEST_MAX_BODY_BYTES),
    }).then((answer) => send(response, answer), sendError(response));
    return true;
  }
  if (pathname === "/api/v1/stats") {
    if (request.method === "GET" || request.method === "HEAD") {
      send(response, { status: 200, headers: STATS_RESPONSE_HEADERS, body: readStatsJson() }, request.method === "HEAD");
      return true;
    }
    if (request.method === "OPTIONS") {
      response.writeHead(204, { ...FAST_PATH_SECURITY_HEADERS, ...STATS_CORS_HEADERS });
      response.end();
      return true;
    }
  }
  return false;
}
