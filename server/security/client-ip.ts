import "server-only";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { getConfig } from "@/server/config";
import { hashIpAddress } from "@/server/privacy/daily-hash-keys";

// Who sent a request, as far as the server can tell (decision 0017). Behind
// TRUST_PROXY hops of reverse proxy, each of which appends the address it
// saw to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for), the client is
// the entry that many places from the right: everything to its left was
// written by the client and is never believed. Without a proxy it is the
// socket's peer. IPv6 clients count per /64, the block one home or phone
// network usually gets, so one subscriber cannot take a fresh bucket per address.

/** The keyed hash every address is stored and counted under, under the day's random key (decision 0019): the one call to it. */
const keyOf = (address: string): string => hashIpAddress(address);

/**
 * The address a client is counted under, or null when `raw` is not an IP
 * address: IPv4 as it is, IPv4-mapped IPv6 (`::ffff:192.0.2.1`, a
 * dual-stack socket's view of an IPv4 client) as IPv4, any other IPv6 as
 * its /64 (`2001:db8:0:1::/64`). Brackets and a zone (`%eth0`) are dropped.
 */
export function normalizeClientAddress(raw: string): string | null {
  let address = raw.trim();
  if (address.startsWith("[") && address.endsWith("]")) address = address.slice(1, -1);
  const zone = address.indexOf("%");
  if (zone !== -1) address = address.slice(0, zone);
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return null;
  const groups = expandIpv6(address.toLowerCase());
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of an address that `isIP` already accepted as IPv6. */
function expandIpv6(address: string): number[] {
  let text = address;
  // A dotted IPv4 tail (`::ffff:192.0.2.1`, `64:ff9b::192.0.2.1`) is two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  return [...headGroups, ...zeros, ...tailGroups].map((group) => Number.parseInt(group, 16));
}

/**
 * The client's address from X-Forwarded-For behind `hops` trusted proxies:
 * the entry `hops` places from the right (the left-most when there are
 * fewer), or null when there is none or it is not an IP address.
 */
function forwardedClientAddress(forwardedFor: string | null | undefined, hops: number): string | null {
  if (!forwardedFor) return null;
  const entries = forwardedFor.split(",");
  return normalizeClientAddress(entries[Math.max(0, entries.length - hops)]!);
}

/** Who sent a submission: never a raw IP. */
export type SubmittingClient = {
  /** The keyed hash stored with the signature: only when TRUST_PROXY names the client. */
  ipHash: string | null;
  /** What the rate limits count under. */
  rateLimitKey: string;
};

/**
 * The stored IP hash and the rate-limit key of a request. With TRUST_PROXY
 * hops and an X-Forwarded-For that names the client, both are the hash of
 * its address. Otherwise nothing is stored and limits count under the
 * socket's peer (the custom server knows it), or, under `next dev` / plain
 * `next start` where nothing does, under X-Forwarded-For as passed, which a
 * client can write (README).
 */
export function getSubmittingClient(request: { forwardedFor: string | null | undefined; peerAddress?: string | null }): SubmittingClient {
  const hops = getConfig().trustProxyHops;
  const forwarded = hops > 0 ? forwardedClientAddress(request.forwardedFor, hops) : null;
  if (forwarded) {
    const ipHash = keyOf(forwarded);
    return { ipHash, rateLimitKey: ipHash };
  }
  const peer = request.peerAddress ? (normalizeClientAddress(request.peerAddress) ?? request.peerAddress.trim().slice(0, 64)) : "";
  return { ipHash: null, rateLimitKey: keyOf(peer || request.forwardedFor?.trim().slice(0, 256) || "unknown") };
}

/**
 * The header the custom server (server/http) sets on every request it hands
 * to Next, after dropping any copy the client sent: the socket's address, so
 * Next's own pages (the sign form's action, sign-in) limit by the real peer
 * even without TRUST_PROXY.
 */
export const PEER_ADDRESS_HEADER = "x-undersigned-peer";

// On globalThis: the custom server's bundle and Next's each load this module in one process.
const globalForFront = globalThis as unknown as { undersignedFrontSetsPeer?: boolean };

/**
 * The front's half of PEER_ADDRESS_HEADER: replaces whatever the client sent
 * with the socket's address, and records that a front runs in this process.
 * Under plain `next start` or `next dev` nothing sets the header, so a copy
 * there can only come from the client and is never believed.
 */
export function setPeerAddressHeader(request: IncomingMessage): void {
  globalForFront.undersignedFrontSetsPeer = true;
  delete request.headers[PEER_ADDRESS_HEADER];
  if (request.socket.remoteAddress) request.headers[PEER_ADDRESS_HEADER] = request.socket.remoteAddress;
}

/** getSubmittingClient for a request as Next passes it on (the form's action, the API route, sign-in). */
export function getSubmittingClientFromHeaders(headers: Headers): SubmittingClient {
  return getSubmittingClient({
    forwardedFor: headers.get("x-forwarded-for"),
    peerAddress: globalForFront.undersignedFrontSetsPeer ? headers.get(PEER_ADDRESS_HEADER) : null,
  });
}

/** The key that sign-in rate limits count under (see getSubmittingClient). */
export function getRateLimitIpHash(headers: Headers): string {
  return getSubmittingClientFromHeaders(headers).rateLimitKey;
}

/** The IP hash a signature sent with these headers is stored with (null unless TRUST_PROXY names the client). */
export function getClientIpHash(headers: Headers): string | null {
  return getSubmittingClientFromHeaders(headers).ipHash;
}
