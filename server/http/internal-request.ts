import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Requests the front makes to Next for its caches (decisions 0012, 0014)
 * carry this header with a per-process random key: the caches let them
 * through to Next (a refresh must not be answered from the copy it
 * replaces), and the confirmation pages render their template for the
 * marker token only with it. The front drops the header from every request
 * that does not carry the key. The key and the markers are shared through
 * globalThis (the front's bundle and Next's share one process).
 */
export const INTERNAL_REQUEST_HEADER = "x-undersigned-internal";

export type InternalMarkers = {
  /** Sent by the front in INTERNAL_REQUEST_HEADER. */
  key: string;
  /** Stands for the signer's link token (fits LINK_TOKEN_SHAPE). */
  token: string;
  /** Stands for the signer's ref code (fits REF_CODE_SHAPE). */
  refCode: string;
};

const globalForTemplates = globalThis as unknown as { undersignedInternalMarkers?: InternalMarkers };

export function getInternalMarkers(): InternalMarkers {
  return (globalForTemplates.undersignedInternalMarkers ??= {
    key: randomBytes(24).toString("base64url"),
    token: `tplTOKEN${randomBytes(24).toString("hex")}`,
    refCode: `tplref${randomBytes(12).toString("hex")}`,
  });
}

/** Whether a request is the front's own (the header carries this process's key). */
export function isInternalRequest(headerValue: string | null | undefined): boolean {
  if (!headerValue) return false;
  const expected = Buffer.from(getInternalMarkers().key);
  const given = Buffer.from(headerValue);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
