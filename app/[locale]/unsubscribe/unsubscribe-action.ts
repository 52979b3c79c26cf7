"use server";

import { redirect } from "next/navigation";
import { DEFAULT_LOCALE, isLocale } from "@/lib/i18n/locales";
import { submitUnsubscribe } from "@/server/mailings/unsubscribe";

/**
 * The unsubscribe page's one button (decision 0022). A POST, so a mail
 * scanner that opens the link unsubscribes nobody; anyone holding the link
 * may press it. Every token lands on the same "done" page: nobody can
 * learn from it whether an address is subscribed.
 */
export async function unsubscribeAction(formData: FormData): Promise<void> {
  const localeField = formData.get("locale");
  const locale = isLocale(localeField) ? localeField : DEFAULT_LOCALE;
  const token = formData.get("token");
  await submitUnsubscribe({ token: typeof token === "string" ? token.slice(0, 200) : "" });
  redirect(`/${locale}/unsubscribe?done=1`);
}
