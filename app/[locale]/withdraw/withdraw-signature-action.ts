"use server";

import { redirect } from "next/navigation";
import { DEFAULT_LOCALE, isLocale } from "@/lib/i18n/locales";
import { isAppError } from "@/server/errors";
import { WITHDRAWING_PURPOSES, withdrawSignature } from "@/server/signatures/withdraw-signature";

/**
 * The withdrawal button, on the page the email links to and on the signer's
 * private page (which posts its `manage` token). A POST, so link-opening
 * mail scanners never withdraw; anyone holding the link may press it.
 * Pressing twice lands on the same "done" page: the token is spent because
 * the signature is already withdrawn.
 */
export async function withdrawSignatureAction(formData: FormData): Promise<void> {
  const localeField = formData.get("locale");
  const locale = isLocale(localeField) ? localeField : DEFAULT_LOCALE;
  const token = formData.get("token");
  let expired = false;
  try {
    withdrawSignature({ token: typeof token === "string" ? token : "", purposes: WITHDRAWING_PURPOSES });
  } catch (error) {
    if (!isAppError(error)) throw error;
    expired = error.code === "EXPIRED";
  }
  redirect(expired ? `/${locale}/withdraw?problem=expired` : `/${locale}/withdraw?done=1`);
}
