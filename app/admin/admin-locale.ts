import { headers } from "next/headers";
import type { Locale } from "@/lib/i18n/locales";
import { pickLocale } from "@/server/api/http";

/** The admin area has no locale in its URLs: it follows the browser's Accept-Language. */
export async function getAdminLocale(): Promise<Locale> {
  return pickLocale(undefined, (await headers()).get("accept-language"));
}
