"use server";

import { redirect } from "next/navigation";
import { isAppError } from "@/server/errors";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { createOrganizer, updateOrganizer } from "@/server/users/manage-users";

const ROLES = ["owner", "admin", "viewer"] as const;
type Role = (typeof ROLES)[number];

function field(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value.slice(0, 300) : "";
}

function asRole(value: string): Role | undefined {
  return (ROLES as readonly string[]).includes(value) ? (value as Role) : undefined;
}

async function run(work: () => Promise<unknown>, done: string): Promise<never> {
  let outcome = done;
  try {
    await work();
  } catch (error) {
    if (!isAppError(error)) throw error;
    if (error.code === "UNAUTHENTICATED") redirect("/admin/login");
    outcome = `error=${encodeURIComponent(error.messageKey)}`;
  }
  redirect(`/admin/organizers?${outcome}`);
}

/** Owners create an organizer account (re-checked here: a server action is a public endpoint). */
export async function createOrganizerAction(formData: FormData): Promise<void> {
  await run(async () => {
    const actor = await requireOrganizer("owner");
    await createOrganizer({
      actor,
      input: { email: field(formData, "email"), name: field(formData, "name"), password: field(formData, "password"), role: field(formData, "role") },
    });
  }, "done=created");
}

/** Owners change a role, or disable / enable an account. */
export async function updateOrganizerAction(formData: FormData): Promise<void> {
  await run(async () => {
    const actor = await requireOrganizer("owner");
    const role = asRole(field(formData, "role"));
    const disabled = field(formData, "disabled");
    await updateOrganizer({
      actor,
      email: field(formData, "email"),
      changes: {
        ...(role ? { role } : {}),
        ...(disabled === "true" || disabled === "false" ? { isDisabled: disabled === "true" } : {}),
      },
    });
  }, "done=updated");
}
