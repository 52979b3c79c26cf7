import { LOCALES } from "@/lib/i18n/locales";
import type { UpdateRecord } from "@/server/updates/update-record";

/** A saved update as the editor's field values. */
export function editorValuesOf(update: UpdateRecord): Record<string, string> {
  const values: Record<string, string> = {
    kind: update.kind,
    institution: update.institution ?? "",
    eventOn: update.eventOn ?? "",
    authorId: update.authorId ?? "",
    authorChange: update.authorChange ?? "",
  };
  for (const locale of LOCALES) {
    values[`title.${locale}`] = update.texts[locale]?.title ?? "";
    values[`body.${locale}`] = update.texts[locale]?.body ?? "";
  }
  return values;
}
