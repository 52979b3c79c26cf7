"use server";

import { redirect } from "next/navigation";
import { isAppError } from "@/server/errors";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { bulkInvalidate } from "@/server/moderation/bulk-invalidate";
import { invalidateSignature, restoreSignature } from "@/server/moderation/invalidate-signature";

const BULK_FIELDS = ["emailDomain", "ipHash", "country", "from", "to", "namePattern"] as const;

function text(formData: FormData, name: string, max = 600): string {
  const value = formData.get(name);
  return typeof value === "string" ? value.slice(0, max) : "";
}

function errorCode(error: unknown): string {
  if (!isAppError(error)) throw error;
  if (error.code === "UNAUTHENTICATED") redirect("/admin/login");
  const first = error.details ? Object.values(error.details)[0] : undefined;
  return first ?? error.messageKey;
}

/** Invalidates one signature with a reason. Admins and owners (checked here and in the domain). */
export async function invalidateSignatureAction(formData: FormData): Promise<void> {
  const id = Number(text(formData, "id", 20));
  let outcome = "done=invalidated";
  try {
    const actor = await requireOrganizer("admin");
    invalidateSignature({ actor, id, reason: text(formData, "reason") });
  } catch (error) {
    outcome = `error=${encodeURIComponent(errorCode(error))}`;
  }
  redirect(`/admin/signatures/${Number.isInteger(id) && id > 0 ? id : 0}?${outcome}`);
}

/** Restores an invalidated signature. Admins and owners. */
export async function restoreSignatureAction(formData: FormData): Promise<void> {
  const id = Number(text(formData, "id", 20));
  let outcome = "done=restored";
  try {
    const actor = await requireOrganizer("admin");
    restoreSignature({ actor, id });
  } catch (error) {
    outcome = `error=${encodeURIComponent(errorCode(error))}`;
  }
  redirect(`/admin/signatures/${Number.isInteger(id) && id > 0 ? id : 0}?${outcome}`);
}

/**
 * Invalidates everything the previewed filter matches, if the count is
 * still the one the organizer saw. Admins and owners.
 */
export async function bulkInvalidateAction(formData: FormData): Promise<void> {
  const filter: Record<string, unknown> = {};
  const query = new URLSearchParams();
  for (const field of BULK_FIELDS) {
    const value = text(formData, field, 200);
    if (value) {
      filter[field] = value;
      query.set(field, value);
    }
  }
  const statuses = formData.getAll("statuses").filter((value): value is string => typeof value === "string");
  if (statuses.length > 0) filter.statuses = statuses;
  for (const status of statuses) query.append("statuses", status);
  try {
    const actor = await requireOrganizer("admin");
    const result = bulkInvalidate({ actor, filter, reason: text(formData, "reason"), expectedCount: Number(text(formData, "expectedCount", 20)) });
    query.set("done", String(result.invalidated));
  } catch (error) {
    query.set("error", errorCode(error));
  }
  redirect(`/admin/signatures/bulk?${query.toString()}`);
}
