import { forbidden, notFound, redirect } from "next/navigation";
import type { Capability } from "@/server/auth/permissions";
import { isAppError } from "@/server/errors";
import { requireOrganizer, type Organizer } from "@/server/auth/require-organizer";

/**
 * For admin pages: the organizer, or a redirect to sign-in (nobody), to the
 * account page (a second factor is required and they have none yet; the
 * account page itself passes `enrolling`) or a 403 page (the role lacks
 * `capability`).
 */
export async function requireOrganizerPage(capability: Capability, options: { enrolling?: boolean } = {}): Promise<Organizer> {
  try {
    return await requireOrganizer(capability, options);
  } catch (error) {
    if (isAppError(error) && error.code === "UNAUTHENTICATED") redirect("/admin/login");
    if (isAppError(error) && error.messageKey === "secondFactorRequired") redirect("/admin/account");
    if (isAppError(error) && error.code === "FORBIDDEN") forbidden();
    throw error;
  }
}

/** The `[id]` of an admin page's URL as a positive integer; anything else is a 404. */
export async function idFromParams(params: Promise<{ id: string }>): Promise<number> {
  const raw = (await params).id;
  const id = /^\d{1,12}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) notFound();
  return id;
}

/** What `read` returns, or the 404 page when it throws NOT_FOUND (an unknown id). */
export function orNotFound<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

/** The props of an admin page about one record (`[id]` in its URL). */
export type RecordPageProps = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};
