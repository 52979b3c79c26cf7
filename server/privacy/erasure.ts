import "server-only";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { auditLog } from "@/db/schema";

// What erasing a signer's personal data writes (decision 0019), in one
// place for the two ways it happens: one signature withdrawn or erased on
// request (server/signatures/withdraw-signature.ts, eraseSignature), and
// every signature of a closed campaign (retention.ts, anonymiseAllSignatures).

/**
 * The values a signature row's personal data is overwritten with, for a
 * drizzle `.set()`: name, address, city, IP hash and utm go, and so do the
 * choices to be named and mailed. The email key and the share code become
 * `marker` (`withdrawn:<id>`, or an SQL expression giving
 * `anonymised:<id>` per row): still unique, so the address may sign again,
 * and the share link stops working, since it names its owner to whoever
 * knows whose it is. Status, country, dates and referrer stay, so every
 * count stays consistent with its history.
 */
export function erasedPersonalData<Marker extends string | SQL>(marker: Marker) {
  return {
    name: "",
    email: "",
    emailKey: marker,
    refCode: marker,
    city: null,
    ipHash: null,
    utmSource: null,
    utmCampaign: null,
    isPublicName: false,
    wantsUpdates: false,
  };
}

/**
 * Removes `ipHash` from the details of signature audit rows (the flags of
 * decision 0011): of these signatures, or of every signature ("all").
 */
export function dropIpHashFromAudit(tx: Transaction, signatureIds: number[] | "all"): void {
  if (signatureIds !== "all" && signatureIds.length === 0) return;
  tx.update(auditLog)
    .set({ details: sql`json_remove(${auditLog.details}, '$.ipHash')` })
    .where(
      and(
        eq(auditLog.targetType, "signature"),
        signatureIds === "all" ? undefined : inArray(auditLog.targetId, signatureIds.map(String)),
        sql`case when json_valid(${auditLog.details}) then json_type(${auditLog.details}, '$.ipHash') end is not null`,
      ),
    )
    .run();
}
