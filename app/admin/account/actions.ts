"use server";

import { redirect } from "next/navigation";
import { isAppError } from "@/server/errors";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { confirmTotpSetup, disableTotp, setRequireTotpForAll } from "@/server/auth/second-factor";
import { updateDigestPreference } from "@/server/digest/digest-preference";
import { DigestPreferenceFormSchema } from "@/lib/schemas/organizer";

function field(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value.slice(0, 300) : "";
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
  redirect(`/admin/account?${outcome}`);
}

export type ConfirmTotpState = { recoveryCodes?: string[]; error?: string };

/**
 * Any organizer turns on their own second factor with the secret the page
 * showed and a first code. Answers with the recovery codes (shown once,
 * never in a URL), or an error key. Every session of the account ends,
 * this one too: the organizer signs in again with the new factor.
 */
export async function confirmTotpAction(_previous: ConfirmTotpState, formData: FormData): Promise<ConfirmTotpState> {
  try {
    const actor = await requireOrganizer("viewer", { enrolling: true });
    return confirmTotpSetup({ actor, secret: field(formData, "secret"), code: field(formData, "code") });
  } catch (error) {
    if (!isAppError(error)) throw error;
    if (error.code === "UNAUTHENTICATED") redirect("/admin/login");
    return { error: error.messageKey };
  }
}

/** Any organizer turns their own second factor off, with a current code. */
export async function disableTotpAction(formData: FormData): Promise<void> {
  await run(async () => {
    const actor = await requireOrganizer("viewer", { enrolling: true });
    disableTotp({ actor, code: field(formData, "code") });
  }, "done=disabled");
}

/** Owners require (or stop requiring) a second factor of every organizer. */
export async function setRequireTotpAction(formData: FormData): Promise<void> {
  const required = field(formData, "required") === "on";
  await run(async () => {
    const actor = await requireOrganizer("owner");
    setRequireTotpForAll({ actor, required });
  }, required ? "done=requireOn" : "done=requireOff");
}

/** Any organizer turns their own daily digest on (in the language chosen) or off (decision 0025). */
export async function setDigestAction(formData: FormData): Promise<void> {
  const parsed = DigestPreferenceFormSchema.safeParse({ enabled: field(formData, "enabled") || undefined, locale: field(formData, "locale") });
  if (!parsed.success) redirect("/admin/account?error=invalid");
  const enabled = parsed.data.enabled === "on";
  await run(async () => {
    const actor = await requireOrganizer("viewer");
    updateDigestPreference({ actor, locale: enabled ? parsed.data.locale : null });
  }, enabled ? "done=digestOn" : "done=digestOff");
}
