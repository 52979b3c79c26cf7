import { getRequestConfig } from "next-intl/server";
import { MESSAGE_CATALOGS } from "./catalog";
import { DEFAULT_LOCALE, isLocale } from "./locales";

export default getRequestConfig(async ({ requestLocale }) => {
  const requested = await requestLocale;
  const locale = isLocale(requested) ? requested : DEFAULT_LOCALE;
  return {
    locale,
    messages: MESSAGE_CATALOGS[locale],
    timeZone: "UTC",
  };
});
