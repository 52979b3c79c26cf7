import "server-only";

// Hop-by-hop headers, and the ones a cache in the front writes itself.
const DROPPED_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "date",
  "cache-control",
  "x-nextjs-cache",
  "x-nextjs-prerender",
  "x-nextjs-stale-time",
]);

/**
 * A page Next rendered, as the front keeps it: the body, and the headers
 * worth sending again. Null (and the body discarded) for anything but a
 * plain 200 that is the same for everyone (no Set-Cookie).
 */
export async function readNextPage(response: Response): Promise<{ headers: Record<string, string>; body: Buffer } | null> {
  if (response.status !== 200 || response.headers.has("set-cookie")) {
    await response.body?.cancel();
    return null;
  }
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    if (!DROPPED_HEADERS.has(key)) headers[key] = value;
  });
  return { headers, body };
}
