"use server";

import { redirect } from "next/navigation";
import { DEFAULT_LOCALE, isLocale } from "@/lib/i18n/locales";
import { LINK_TOKEN_SHAPE } from "@/lib/schemas/confirm-signature";
import { isAppError } from "@/server/errors";
import { setSignerUpdates } from "@/server/mailings/unsubscribe";

/**
 * The private page's updates switch (decision 0022): a plain form, so it
 * works without JavaScript. The page's own token authorizes it; the answer
 * is the same page with what changed.
 */
export async function setUpdatesAction(formData: FormData): Promise<void> {
  const localeField = formData.get("locale");
  const locale = isLocale(localeField) ? localeField : DEFAULT_LOCALE;
  const token = formData.get("token");
  const wanted = formData.get("updates");
  if (typeof token !== "string" || !LINK_TOKEN_SHAPE.test(token) || (wanted !== "on" && wanted !== "off")) redirect(`/${locale}/my`);
  try {
    setSignerUpdates({ token, wantsUpdates: wanted === "on" });
  } catch (error) {
    if (!isAppError(error)) throw error;
    redirect(`/${locale}/my`);
  }
  redirect(`/${locale}/my?token=${token}&updates=${wanted}`);
}
