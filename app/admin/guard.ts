import { forbidden, redirect } from "next/navigation";
import type { UserRole } from "@/server/auth/actor";
import { isAppError } from "@/server/errors";
import { requireOrganizer, type Organizer } from "@/server/auth/require-organizer";

/**
 * For admin pages: the organizer, or a redirect to sign-in (nobody), to the
 * account page (a second factor is required and they have none yet; the
 * account page itself passes `enrolling`) or a 403 page (role too low).
 */
export async function requireOrganizerPage(minimum: UserRole, options: { enrolling?: boolean } = {}): Promise<Organizer> {
  try {
    return await requireOrganizer(minimum, options);
  } catch (error) {
    if (isAppError(error) && error.code === "UNAUTHENTICATED") redirect("/admin/login");
    if (isAppError(error) && error.messageKey === "secondFactorRequired") redirect("/admin/account");
    if (isAppError(error) && error.code === "FORBIDDEN") forbidden();
    throw error;
  }
}
