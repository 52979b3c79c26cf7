"use server";

import { redirect } from "next/navigation";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { isAppError } from "@/server/errors";
import { createPartnerCode } from "@/server/sharing/referrals";

/** Creates a partner code. Admins and owners (checked here and in the domain). */
export async function createPartnerCodeAction(formData: FormData): Promise<void> {
  const code = formData.get("code");
  const label = formData.get("label");
  let outcome = "done=created";
  try {
    const actor = await requireOrganizer("admin");
    createPartnerCode({ actor, code: typeof code === "string" ? code.slice(0, 100) : "", label: typeof label === "string" ? label.slice(0, 200) : "" });
  } catch (error) {
    if (!isAppError(error)) throw error;
    if (error.code === "UNAUTHENTICATED") redirect("/admin/login");
    outcome = `error=${encodeURIComponent(error.messageKey)}`;
  }
  redirect(`/admin/partners?${outcome}`);
}
