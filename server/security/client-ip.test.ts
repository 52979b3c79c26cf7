import { fc, test as propertyTest } from "@fast-check/vitest";
import type { IncomingMessage } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetConfigForTesting } from "@/server/config";
import { setUpFreshConfig } from "@/test/config";
import { getSubmittingClient, getSubmittingClientFromHeaders, normalizeClientAddress, PEER_ADDRESS_HEADER, setPeerAddressHeader } from "./client-ip";

const withHops = (hops: string) => {
  vi.stubEnv("TRUST_PROXY", hops);
  resetConfigForTesting();
};
const viaProxy = (forwardedFor: string, peerAddress = "127.0.0.1") => getSubmittingClient({ forwardedFor, peerAddress });

describe("normalizeClientAddress", () => {
  it.each([
    ["192.0.2.1", "192.0.2.1"],
    [" 192.0.2.1 ", "192.0.2.1"],
    ["::ffff:192.0.2.1", "192.0.2.1"],
    ["::FFFF:c000:0201", "192.0.2.1"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:DB8:1:2::ffff", "2001:db8:1:2::/64"],
    ["[2001:db8:0:1::1]", "2001:db8:0:1::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["2001:db8::", "2001:db8:0:0::/64"],
    ["64:ff9b::192.0.2.1", "64:ff9b:0:0::/64"],
  ])("%j → %j", (raw, expected) => {
    expect(normalizeClientAddress(raw)).toBe(expected);
  });

  it.each(["", "unknown", "192.0.2.1:443", "01.2.3.4", "2001:db8::1::2", "evil.example", "1.2.3.4, 5.6.7.8"])("%j is no address", (raw) => {
    expect(normalizeClientAddress(raw)).toBeNull();
  });

  propertyTest.prop([fc.ipV6(), fc.ipV6()])("two IPv6 addresses share a key exactly when they share their first 64 bits", (a, b) => {
    const sameBlock = expandedPrefix(a) === expandedPrefix(b);
    const mapped = (address: string) => normalizeClientAddress(address)!.includes(".");
    if (mapped(a) || mapped(b)) return;
    expect(normalizeClientAddress(a) === normalizeClientAddress(b)).toBe(sameBlock);
  });
});

/** The first four groups of an IPv6 address, independently of normalizeClientAddress (via the URL parser's canonical form). */
function expandedPrefix(address: string): string {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = "", tail] = canonical.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  return groups.slice(0, 4).join(":");
}

describe("getSubmittingClient", () => {
  setUpFreshConfig();

  it("TRUST_PROXY=1 believes only the right-most X-Forwarded-For entry: what the client wrote to its left changes nothing", () => {
    withHops("1");
    const real = viaProxy("198.51.100.7");
    expect(real.ipHash).toMatch(/^[\w-]{22}$/);
    expect(real.rateLimitKey).toBe(real.ipHash);
    for (const forged of ["203.0.113.1, 198.51.100.7", "203.0.113.2,198.51.100.7", "a, b, c, 198.51.100.7"]) {
      expect(viaProxy(forged)).toEqual(real);
    }
    expect(viaProxy("198.51.100.7, 198.51.100.8").rateLimitKey).not.toBe(real.rateLimitKey);
  });

  it("TRUST_PROXY=2 takes the entry two from the right (a CDN, then nginx), and the left-most when there are fewer", () => {
    withHops("2");
    const client = viaProxy("198.51.100.7");
    expect(viaProxy("203.0.113.1, 198.51.100.7, 192.0.2.50")).toEqual(client);
    expect(viaProxy("198.51.100.7, 192.0.2.50")).toEqual(client);
  });

  it("counts IPv6 clients per /64, and an IPv4-mapped peer as its IPv4 address", () => {
    withHops("1");
    expect(viaProxy("2001:db8:1:2::1")).toEqual(viaProxy("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    expect(viaProxy("2001:db8:1:2::1")).not.toEqual(viaProxy("2001:db8:1:3::1"));
    withHops("0");
    const peer = (peerAddress: string) => getSubmittingClient({ forwardedFor: null, peerAddress });
    expect(peer("2001:db8:1:2::1").rateLimitKey).toBe(peer("2001:db8:1:2:aaaa::9").rateLimitKey);
    expect(peer("::ffff:198.51.100.7").rateLimitKey).toBe(peer("198.51.100.7").rateLimitKey);
  });

  it("without an address it can use from the proxy, stores no hash and counts under the socket's peer", () => {
    withHops("1");
    for (const forwardedFor of [null, "", "not-an-address", "198.51.100.7, unknown"]) {
      expect(getSubmittingClient({ forwardedFor, peerAddress: "192.0.2.9" })).toEqual({
        ipHash: null,
        rateLimitKey: getSubmittingClient({ forwardedFor: null, peerAddress: "192.0.2.9" }).rateLimitKey,
      });
    }
  });

  it("TRUST_PROXY=0 ignores X-Forwarded-For when the peer is known and stores no hash", () => {
    const client = getSubmittingClient({ forwardedFor: "198.51.100.7", peerAddress: "192.0.2.9" });
    expect(client.ipHash).toBeNull();
    expect(getSubmittingClient({ forwardedFor: "203.0.113.1", peerAddress: "192.0.2.9" })).toEqual(client);
  });
});

describe("the peer-address header", () => {
  const globalForFront = globalThis as unknown as { undersignedFrontSetsPeer?: boolean };
  beforeEach(() => {
    delete globalForFront.undersignedFrontSetsPeer;
    resetConfigForTesting();
  });
  afterEach(() => delete globalForFront.undersignedFrontSetsPeer);

  const fromClient = (peer: string) => new Headers({ "x-forwarded-for": "192.0.2.1", [PEER_ADDRESS_HEADER]: peer });

  it("is not believed under plain next start / next dev, where only the client can have sent it", () => {
    expect(getSubmittingClientFromHeaders(fromClient("198.51.100.1"))).toEqual(getSubmittingClientFromHeaders(fromClient("198.51.100.2")));
  });

  it("is the front's: it replaces the client's copy with the socket's address, and then Next's side believes it", () => {
    const request = { headers: { [PEER_ADDRESS_HEADER]: "198.51.100.1" }, socket: { remoteAddress: "192.0.2.77" } } as unknown as IncomingMessage;
    setPeerAddressHeader(request);
    expect(request.headers[PEER_ADDRESS_HEADER]).toBe("192.0.2.77");
    const seen = getSubmittingClientFromHeaders(new Headers({ "x-forwarded-for": "203.0.113.1", [PEER_ADDRESS_HEADER]: "192.0.2.77" }));
    expect(seen).toEqual(getSubmittingClient({ forwardedFor: null, peerAddress: "192.0.2.77" }));
    expect(seen).not.toEqual(getSubmittingClientFromHeaders(fromClient("198.51.100.1")));
  });
});
