"use server";

import { requireOrganizer } from "@/server/auth/require-organizer";
import { confirmTotpSetup, disableTotp, setRequireTotpForAll } from "@/server/auth/second-factor";
import { updateDigestPreference } from "@/server/digest/digest-preference";
import { DigestPreferenceFormSchema } from "@/lib/schemas/organizer";
import { redirect } from "next/navigation";
import { errorCodeOf, formText, runAdminAction } from "../admin-action";

export type ConfirmTotpState = { recoveryCodes?: string[]; error?: string };

/**
 * Any organizer turns on their own second factor with the secret the page
 * showed and a first code. Answers with the recovery codes (shown once,
 * never in a URL), or an error key. Every session of the account ends,
 * this one too: the organizer signs in again with the new factor.
 */
export async function confirmTotpAction(_previous: ConfirmTotpState, formData: FormData): Promise<ConfirmTotpState> {
  try {
    const actor = await requireOrganizer("manageOwnAccount", { enrolling: true });
    return confirmTotpSetup({ actor, secret: formText(formData, "secret"), code: formText(formData, "code") });
  } catch (error) {
    return { error: errorCodeOf(error) };
  }
}

/** Any organizer turns their own second factor off, with a current code. */
export async function disableTotpAction(formData: FormData): Promise<void> {
  await runAdminAction({
    capability: "manageOwnAccount",
    enrolling: true,
    page: "/admin/account",
    work: (actor) => disableTotp({ actor, code: formText(formData, "code") }),
    done: "disabled",
  });
}

/** Owners require (or stop requiring) a second factor of every organizer. */
export async function setRequireTotpAction(formData: FormData): Promise<void> {
  const required = formText(formData, "required") === "on";
  await runAdminAction({
    capability: "manageSettings",
    page: "/admin/account",
    work: (actor) => setRequireTotpForAll({ actor, required }),
    done: required ? "requireOn" : "requireOff",
  });
}

/** Any organizer turns their own daily digest on (in the language chosen) or off (decision 0025). */
export async function setDigestAction(formData: FormData): Promise<void> {
  const parsed = DigestPreferenceFormSchema.safeParse({ enabled: formText(formData, "enabled") || undefined, locale: formText(formData, "locale") });
  if (!parsed.success) redirect("/admin/account?error=invalid");
  const enabled = parsed.data.enabled === "on";
  await runAdminAction({
    capability: "manageOwnAccount",
    page: "/admin/account",
    work: (actor) => updateDigestPreference({ actor, locale: enabled ? parsed.data.locale : null }),
    done: enabled ? "digestOn" : "digestOff",
  });
}
