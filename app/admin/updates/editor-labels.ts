import { getTranslations } from "next-intl/server";
import type { UpdateEditorLabels } from "@/components/admin/UpdateEditor";
import { LOCALES, type Locale } from "@/lib/i18n/locales";
import { AUTHOR_CHANGES, UPDATE_BODY_MAX_BYTES, UPDATE_ERROR_CODES, UPDATE_INSTITUTION_MAX_LENGTH, UPDATE_KINDS, UPDATE_TITLE_MAX_LENGTH } from "@/lib/schemas/update";

/** Error codes the editor shows besides the schema's: about the whole update, from the server. */
export const UPDATE_SERVER_ERRORS = ["updateChanged", "updateAlreadyPublished", "updateNotFound", "forbidden", "failed"] as const;

/** A language's name in the admin's language ("Russian", "русский", "російська"). */
export function languageName(locale: Locale, inLocale: Locale): string {
  return new Intl.DisplayNames([inLocale], { type: "language" }).of(locale) ?? locale;
}

/** The editor's strings in the admin's language (decision 0002: the client gets plain strings). */
export async function getUpdateEditorLabels(locale: Locale, options: { isPublished: boolean }): Promise<UpdateEditorLabels> {
  const t = await getTranslations({ locale, namespace: "Admin.updates" });
  const tUpdates = await getTranslations({ locale, namespace: "Updates" });
  const limit = UPDATE_BODY_MAX_BYTES / 1024;
  const errors: Record<string, string> = {};
  for (const code of [...UPDATE_ERROR_CODES, ...UPDATE_SERVER_ERRORS]) {
    errors[code] =
      code === "bodyTooLarge"
        ? t("errors.bodyTooLarge", { size: "{size}", limit })
        : code === "titleTooLong"
          ? t("errors.titleTooLong", { max: UPDATE_TITLE_MAX_LENGTH })
          : code === "institutionTooLong"
            ? t("errors.institutionTooLong", { max: UPDATE_INSTITUTION_MAX_LENGTH })
            : t(`errors.${code}`);
  }
  return {
    detailsHeading: t("detailsHeading"),
    kind: t("kind"),
    kinds: Object.fromEntries(UPDATE_KINDS.map((kind) => [kind, tUpdates(`kind.${kind}`)])) as UpdateEditorLabels["kinds"],
    institution: t("institution"),
    institutionHint: t("institutionHint"),
    eventOn: t("eventOn"),
    eventOnHint: t("eventOnHint"),
    author: t("author"),
    authorPlaceholder: t("authorPlaceholder"),
    authorHint: t("authorHint"),
    authorChange: t("authorChange"),
    authorChangePlaceholder: t("authorChangePlaceholder"),
    authorChanges: Object.fromEntries(AUTHOR_CHANGES.map((change) => [change, t(`authorChanges.${change}`)])) as UpdateEditorLabels["authorChanges"],
    textsHeading: t("textsHeading"),
    textsHint: t("textsHint"),
    languages: Object.fromEntries(LOCALES.map((other) => [other, t("language", { language: languageName(other, locale) })])) as UpdateEditorLabels["languages"],
    titleLabel: t("titleLabel"),
    bodyLabel: t("bodyLabel"),
    bodyHint: t("bodyHint", { limit }),
    save: options.isPublished ? t("saveChanges") : t("save"),
    saving: t("saving"),
    errorSummary: t("errorSummary"),
    errors,
  };
}
