import "server-only";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { inlineScriptHashes, withScriptHashes } from "./script-hashes";

/**
 * A request that Next may answer with a page (not its static files, not an
 * API, not an RSC fetch): a GET, or a form POST sent without JavaScript to
 * a server action, which Next answers with the page re-rendered. A POST
 * from JavaScript names its action in `Next-Action` and gets RSC, not HTML.
 */
export function mayBeHtmlPage(request: IncomingMessage, pathname: string): boolean {
  if (request.method !== "GET" && request.method !== "POST") return false;
  if (pathname.startsWith("/_next/") || pathname.startsWith("/api/")) return false;
  const { headers } = request;
  return !(headers.rsc || headers["next-router-prefetch"] || headers["next-router-state-tree"] || headers["next-action"]);
}

type WriteCallback = (error?: Error | null) => void;

const isHtml = (contentType: unknown) => typeof contentType === "string" && contentType.toLowerCase().startsWith("text/html");

/**
 * Gives an HTML page from Next a hash-based script policy (decision 0015):
 * the body is collected, every inline script hashed, and the page's
 * Content-Security-Policy sent with `script-src 'self' 'sha256-…'` instead
 * of 'unsafe-inline'. Works for static, ISR and dynamic pages alike, where a
 * nonce would need every page rendered per request. Next is asked for an
 * uncompressed body (its gzip would hide the scripts); the page is gzipped
 * here instead when the client accepts it. Anything that is not HTML passes
 * through untouched, as soon as its Content-Type is known.
 */
export function hashInlineScriptsOfPage(request: IncomingMessage, response: ServerResponse): void {
  const acceptsGzip = /\bgzip\b/i.test(String(request.headers["accept-encoding"] ?? ""));
  delete request.headers["accept-encoding"];

  const original = { writeHead: response.writeHead, write: response.write, end: response.end, flushHeaders: response.flushHeaders };
  const writeHeadNow = (statusCode: number, message: string | undefined) =>
    (original.writeHead as (...args: unknown[]) => ServerResponse).call(response, ...(message === undefined ? [statusCode] : [statusCode, message]));
  // The wrappers stay in place once the answer is decided: Next (its compression, for one) may wrap
  // them in turn, and putting the originals back would cut those wrappers out.
  let mode: "undecided" | "collect" | "pass" = "undecided";
  let statusMessage: string | undefined;
  const chunks: Buffer[] = [];

  const decide = () => {
    if (mode !== "undecided") return mode;
    // A 304 updates the headers a browser stored with the page: it must not replace the page's hashes.
    if (response.statusCode === 304) response.removeHeader("content-security-policy");
    mode = isHtml(response.getHeader("content-type")) && !response.getHeader("content-encoding") ? "collect" : "pass";
    return mode;
  };
  const toBuffer = (chunk: unknown, encoding?: unknown) =>
    Buffer.isBuffer(chunk) ? chunk : typeof chunk === "string" ? Buffer.from(chunk, (encoding as BufferEncoding) || "utf8") : Buffer.from(chunk as Uint8Array);

  response.writeHead = function writeHead(this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    const message = typeof rest[0] === "string" ? (rest.shift() as string) : undefined;
    const headers = rest[0] as OutgoingHttpHeaders | string[] | undefined;
    if (Array.isArray(headers)) {
      for (let index = 0; index + 1 < headers.length; index += 2) response.setHeader(headers[index]!, headers[index + 1]!);
    } else if (headers) {
      for (const [name, value] of Object.entries(headers)) if (value !== undefined) response.setHeader(name, value);
    }
    response.statusCode = statusCode;
    statusMessage = message;
    if (decide() === "pass") return writeHeadNow(statusCode, message);
    return response;
  } as ServerResponse["writeHead"];

  response.flushHeaders = function flushHeaders() {
    if (decide() === "pass") original.flushHeaders.call(response);
  };

  response.write = function write(chunk: unknown, encoding?: unknown, callback?: unknown) {
    if (decide() === "pass") return (original.write as (...args: unknown[]) => boolean).call(response, chunk, encoding, callback);
    const done = (typeof encoding === "function" ? encoding : callback) as WriteCallback | undefined;
    chunks.push(toBuffer(chunk, typeof encoding === "string" ? encoding : undefined));
    if (done) process.nextTick(done);
    return true;
  } as ServerResponse["write"];

  response.end = function end(chunk?: unknown, encoding?: unknown, callback?: unknown) {
    if (decide() === "pass") return (original.end as (...args: unknown[]) => ServerResponse).call(response, chunk, encoding, callback);
    const done = (typeof chunk === "function" ? chunk : typeof encoding === "function" ? encoding : callback) as WriteCallback | undefined;
    if (chunk !== undefined && chunk !== null && typeof chunk !== "function") chunks.push(toBuffer(chunk, typeof encoding === "string" ? encoding : undefined));
    mode = "pass";
    let body = Buffer.concat(chunks);
    const policy = response.getHeader("content-security-policy");
    if (typeof policy === "string") response.setHeader("content-security-policy", withScriptHashes(policy, inlineScriptHashes(body.toString("utf8"))));
    if (acceptsGzip && body.length > 1024) {
      body = gzipSync(body);
      response.setHeader("content-encoding", "gzip");
      const vary = response.getHeader("vary");
      response.setHeader("vary", vary ? `${String(vary)}, Accept-Encoding` : "Accept-Encoding");
    }
    response.removeHeader("transfer-encoding");
    response.setHeader("content-length", String(body.length));
    if (statusMessage !== undefined) writeHeadNow(response.statusCode, statusMessage);
    return (original.end as (...args: unknown[]) => ServerResponse).call(response, body, done);
  } as ServerResponse["end"];
}
