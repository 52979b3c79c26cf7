import { defineRouting } from "next-intl/routing";
import { DEFAULT_LOCALE, LOCALES } from "./locales";

export const routing = defineRouting({
  locales: LOCALES,
  defaultLocale: DEFAULT_LOCALE,
  localePrefix: "always",
  // The locale lives in the URL only: no cookie, so pages stay cacheable and
  // nothing is stored on a signer's device.
  localeCookie: false,
  alternateLinks: true,
});
