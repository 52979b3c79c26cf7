"use server";

import { bulkFilterQuery, readBulkFilterFields } from "@/lib/schemas/moderation";
import { bulkInvalidate } from "@/server/moderation/bulk-invalidate";
import { invalidateSignature, restoreSignature } from "@/server/moderation/invalidate-signature";
import { formText, runAdminAction } from "../admin-action";

function signaturePage(formData: FormData): { id: number; page: string } {
  const id = Number(formText(formData, "id", 20));
  return { id, page: `/admin/signatures/${Number.isInteger(id) && id > 0 ? id : 0}` };
}

/** Invalidates one signature with a reason. Needs `moderate` (checked here and in the domain). */
export async function invalidateSignatureAction(formData: FormData): Promise<void> {
  const { id, page } = signaturePage(formData);
  await runAdminAction({
    capability: "moderate",
    page,
    work: (actor) => invalidateSignature({ actor, id, reason: formText(formData, "reason", 600) }),
    done: "invalidated",
  });
}

/** Restores an invalidated signature. Needs `moderate`. */
export async function restoreSignatureAction(formData: FormData): Promise<void> {
  const { id, page } = signaturePage(formData);
  await runAdminAction({ capability: "moderate", page, work: (actor) => restoreSignature({ actor, id }), done: "restored" });
}

/**
 * Invalidates everything the previewed filter matches, if the count is
 * still the one the organizer saw, and goes back to the preview of the same
 * filter. Needs `moderate`.
 */
export async function bulkInvalidateAction(formData: FormData): Promise<void> {
  const filter = readBulkFilterFields((name) => formData.getAll(name));
  await runAdminAction({
    capability: "moderate",
    page: "/admin/signatures/bulk",
    query: bulkFilterQuery(filter),
    work: (actor) =>
      bulkInvalidate({ actor, filter, reason: formText(formData, "reason", 600), expectedCount: Number(formText(formData, "expectedCount", 20)) }),
    done: (result) => String(result.invalidated),
  });
}
