"use server";

import { redirect } from "next/navigation";
import { DEFAULT_LOCALE, isLocale } from "@/lib/i18n/locales";
import { isAppError } from "@/server/errors";
import { submitConfirmation } from "@/server/signatures/confirm-signature";

/**
 * The confirmation button. A POST, so link-opening mail scanners never
 * confirm; anyone holding the token may press it, and pressing twice is
 * harmless.
 */
export async function confirmSignatureAction(formData: FormData): Promise<void> {
  const localeField = formData.get("locale");
  const locale = isLocale(localeField) ? localeField : DEFAULT_LOCALE;
  const token = formData.get("token");
  let problem: string | undefined;
  try {
    await submitConfirmation({ token: typeof token === "string" ? token : "" });
  } catch (error) {
    if (!isAppError(error)) throw error;
    problem = error.code === "EXPIRED" ? "expired" : "invalid";
  }
  // The confirmed page shows the signer's own share link, found again through this token.
  const next = problem ? `/${locale}/confirm?problem=${problem}` : `/${locale}/confirmed?token=${encodeURIComponent(String(token))}`;
  redirect(next);
}
