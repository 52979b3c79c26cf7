import { forbidden, redirect } from "next/navigation";
import type { UserRole } from "@/server/auth/actor";
import { isAppError } from "@/server/errors";
import { requireOrganizer, type Organizer } from "@/server/auth/require-organizer";

/** For admin pages: the organizer, or a redirect to sign-in (nobody) or a 403 page (role too low). */
export async function requireOrganizerPage(minimum: UserRole): Promise<Organizer> {
  try {
    return await requireOrganizer(minimum);
  } catch (error) {
    if (isAppError(error) && error.code === "UNAUTHENTICATED") redirect("/admin/login");
    if (isAppError(error) && error.code === "FORBIDDEN") forbidden();
    throw error;
  }
}
