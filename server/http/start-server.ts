import "server-only";
import http from "node:http";
import type { AddressInfo } from "node:net";
import next from "next";
import { getDb } from "@/db/client";
import { startWalCheckpointer } from "@/db/wal-checkpointer";
import { getConfig, printConfigWarningsOnce } from "@/server/config";
import { listContentWarnings } from "@/server/content/get-campaign";
import { startMaintenanceScheduler } from "@/server/maintenance/run-maintenance";
import { setPeerAddressHeader } from "@/server/security/client-ip";
import { admitBody } from "./body-limits";
import { handleFastApi } from "./fast-api";
import { hashInlineScriptsOfPage, mayBeHtmlPage } from "./hash-html-responses";
import { createLetterPageCache } from "./letter-page-cache";
import { getInternalMarkers, INTERNAL_REQUEST_HEADER } from "./internal-request";
import { createTokenPageTemplates } from "./token-page-templates";
import { isUpdatesPath, applyUpdatesCacheControl } from "./updates-cache-control";

/**
 * The production server (`npm start`, decisions 0012, 0014): one node:http
 * server in one process. The sign and confirmation APIs, the stats endpoint,
 * the letter page and the confirmation flow's pages are answered here,
 * close to the machine; every other request (the form's
 * action, the admin area, every other page) goes to Next's request handler,
 * in the same process, on the same SQLite connection.
 */
export async function startServer(options: { dir: string; port: number; hostname: string }): Promise<http.Server> {
  // The environment is checked, the database opened and migrated, before anything listens.
  getConfig();
  printConfigWarningsOnce();
  for (const warning of listContentWarnings()) console.warn(`[content] warning: ${warning}`);
  startWalCheckpointer(getDb());
  // Retention, key rotation, backups (decision 0019): hourly, one process at a time.
  startMaintenanceScheduler();

  const app = next({ dev: false, dir: options.dir, hostname: options.hostname, port: options.port });
  await app.prepare();
  const handleWithNext = app.getRequestHandler();

  let origin = "";
  const internalKey = getInternalMarkers().key;
  // The front's own requests to Next: uncompressed (the caches keep identity bytes and gzip once themselves).
  const fetchFromNext = (pathAndQuery: string, headers: Record<string, string>) =>
    fetch(`${origin}${pathAndQuery}`, { headers: { "accept-encoding": "identity", ...headers }, redirect: "manual" });
  const letterPages = createLetterPageCache({
    fetchFromNext: (pathname) => fetchFromNext(pathname, { "accept-language": "en", [INTERNAL_REQUEST_HEADER]: internalKey }),
  });
  const tokenPages = createTokenPageTemplates({ fetchFromNext });

  const handle = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const url = request.url ?? "/";
    const queryAt = url.indexOf("?");
    const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
    const search = queryAt === -1 ? "" : url.slice(queryAt);
    try {
      if (handleFastApi(request, response, pathname)) return;
      // Only the front's own requests (cache refreshes, templates) may carry the internal header.
      if (request.headers[INTERNAL_REQUEST_HEADER] !== internalKey) delete request.headers[INTERNAL_REQUEST_HEADER];
      if (letterPages.serve(request, response, pathname, search)) return;
      if (tokenPages.serve(request, response, pathname, search)) return;
    } catch (error) {
      console.error("[server] fast path failed:", error instanceof Error ? `${error.name}: ${error.message}` : "unknown error");
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        response.end("Internal error");
      }
      return;
    }
    // The peer's address, which Next's pages cannot see otherwise (rate limits of the form's action).
    setPeerAddressHeader(request);
    // The news log and feeds are cached by CDNs like the letter page (decision 0021).
    if ((request.method === "GET" || request.method === "HEAD") && isUpdatesPath(pathname)) applyUpdatesCacheControl(response);
    // Every page leaves with a hash-based script policy (decision 0015); the caches above keep the one they got.
    if (mayBeHtmlPage(request, pathname)) hashInlineScriptsOfPage(request, response);
    void handleWithNext(request, response);
  };
  // Every body is held to its route's limit before anything reads it (decision 0017).
  const server = http.createServer((request, response) => admitBody(request, response, handle));
  // Loads keep connections alive; Next's own server uses the same timeouts.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const loopback = address.address === "::" || address.address === "0.0.0.0" ? "127.0.0.1" : address.address;
  origin = `http://${loopback.includes(":") ? `[${loopback}]` : loopback}:${address.port}`;
  return server;
}
