import "server-only";
import { createHash } from "node:crypto";

// Hash-based strict CSP for every HTML page the production server sends
// (decision 0015): the page's own inline scripts are allowed by their
// SHA-256, external scripts only from our origin, nothing else runs.

const SCRIPT_TAG = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const HAS_SRC = /\bsrc\s*=/i;

/** CSP source expressions (`'sha256-…'`) for each distinct inline script of a page, in page order. */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, attributes, body] of html.matchAll(SCRIPT_TAG)) {
    if (HAS_SRC.test(attributes ?? "")) continue;
    hashes.add(`'sha256-${createHash("sha256").update(body ?? "", "utf8").digest("base64")}'`);
  }
  return [...hashes];
}

/**
 * `policy` with its script-src replaced by `'self'` and the given hashes: no
 * 'unsafe-inline', no 'unsafe-eval', no other origin. Other directives
 * (frame-ancestors for the embed, for example) stay as they are.
 */
export function withScriptHashes(policy: string, hashes: readonly string[]): string {
  const scriptSrc = ["script-src 'self'", ...hashes].join(" ");
  const directives = policy
    .split(";")
    .map((directive) => directive.trim())
    .filter(Boolean);
  const index = directives.findIndex((directive) => /^script-src\s/i.test(directive) || directive.toLowerCase() === "script-src");
  if (index === -1) directives.push(scriptSrc);
  else directives[index] = scriptSrc;
  return directives.join("; ");
}
