"use server";

import { isUserRole } from "@/lib/organizer-roles";
import { createOrganizer, updateOrganizer } from "@/server/users/manage-users";
import { formText, runAdminAction } from "../admin-action";

/** Owners create an organizer account (re-checked here: a server action is a public endpoint). */
export async function createOrganizerAction(formData: FormData): Promise<void> {
  await runAdminAction({
    capability: "manageOrganizers",
    page: "/admin/organizers",
    work: (actor) =>
      createOrganizer({
        actor,
        input: { email: formText(formData, "email"), name: formText(formData, "name"), password: formText(formData, "password"), role: formText(formData, "role") },
      }),
    done: "created",
  });
}

/** Owners change a role, or disable / enable an account. */
export async function updateOrganizerAction(formData: FormData): Promise<void> {
  const role = formText(formData, "role");
  const disabled = formText(formData, "disabled");
  await runAdminAction({
    capability: "manageOrganizers",
    page: "/admin/organizers",
    work: (actor) =>
      updateOrganizer({
        actor,
        email: formText(formData, "email"),
        changes: {
          ...(isUserRole(role) ? { role } : {}),
          ...(disabled === "true" || disabled === "false" ? { isDisabled: disabled === "true" } : {}),
        },
      }),
    done: "updated",
  });
}
