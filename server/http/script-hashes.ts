import "server-only";
import { createHash } from "node:crypto";

// Hash-based strict CSP for every HTML page the production server sends
// (decision 0015): the page's own inline scripts are allowed by their
// SHA-256, external scripts only from our origin, nothing else runs.

const SCRIPT_TAG = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const HAS_SRC = /\bsrc\s*=/i;

/** The text of each inline script of a page (external ones skipped), in page order. */
export function inlineScriptBodies(html: string): string[] {
  const bodies: string[] = [];
  for (const [, attributes, body] of html.matchAll(SCRIPT_TAG)) if (!HAS_SRC.test(attributes ?? "")) bodies.push(body ?? "");
  return bodies;
}

/** The CSP source expression (`'sha256-…'`) that allows one inline script. */
export function scriptHash(body: string): string {
  return `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`;
}

/** CSP source expressions for each distinct inline script of a page, in page order. */
export function inlineScriptHashes(html: string): string[] {
  return [...new Set(inlineScriptBodies(html).map(scriptHash))];
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
