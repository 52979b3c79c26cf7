import type { Metadata } from "next";
import { hasLocale } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import type { Locale } from "./locales";
import { routing } from "./routing";

// What every page and layout under /[locale] (and /embed/[locale]) does
// first, written once: take the locale from the URL, answer 404 for one we
// do not publish, and make it the locale of every translation on the server.

export type LocaleParams = Promise<{ locale: string }>;
export type SearchParams = Record<string, string | string[] | undefined>;
export type LocalePageProps = { params: LocaleParams; searchParams: Promise<SearchParams> };

/** The page's locale; the not-found page for a locale we do not publish. */
export async function openLocalePage(params: LocaleParams): Promise<Locale> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  return locale;
}

/** One query-string parameter given once (a repeated one counts as absent). */
export function readQueryParam(query: SearchParams, name: string): string | undefined {
  const value = query[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * A page's `generateMetadata`: its <title> from `namespace`'s `titleKey`
 * message ("title" unless given), in the page's language (the default
 * language for an unknown one, whose page is a 404), and `robots` when
 * given (pages reached from an email are not indexed).
 */
export function localePageMetadata(namespace: string, options: { titleKey?: string; robots?: Metadata["robots"] } = {}) {
  return async ({ params }: { params: LocaleParams }): Promise<Metadata> => {
    const { locale } = await params;
    const t = await getTranslations({ locale: hasLocale(routing.locales, locale) ? locale : routing.defaultLocale, namespace });
    return { title: t(options.titleKey ?? "title"), ...(options.robots ? { robots: options.robots } : {}) };
  };
}
