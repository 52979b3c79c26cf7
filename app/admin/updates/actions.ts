"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { LOCALES } from "@/lib/i18n/locales";
import { parseUpdateForm, updateFormInput } from "@/lib/schemas/update";
import type { UpdateFormState } from "@/lib/schemas/update-form-state";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { isAppError } from "@/server/errors";
import { publishUpdate } from "@/server/updates/publish-update";
import { createUpdate, editUpdate } from "@/server/updates/save-update";
import { errorCodeOf, runAdminAction } from "../admin-action";

const ECHOED_FIELDS = ["kind", "institution", "eventOn", "authorId", "authorChange", ...LOCALES.flatMap((locale) => [`title.${locale}`, `body.${locale}`])];

/**
 * The public pages that show updates are cached (ISR): refresh them now, so
 * a publication or an edit shows within seconds (the letter page's latest
 * update and authors' cards, the news log, every update's page, the feeds).
 */
function refreshPublicPages(): void {
  revalidatePath("/[locale]", "page");
  revalidatePath("/[locale]/updates", "layout");
}

function positiveInteger(value: FormDataEntryValue | null): number | undefined {
  const number = typeof value === "string" && /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

/**
 * Saves the editor: a new draft, or an edit of an existing update (a
 * published one goes live at once and is kept as a revision). Needs
 * `writeUpdates` (checked here and in the domain). Invalid input comes back
 * with a code per field and what was typed.
 */
export async function saveUpdateAction(_previous: UpdateFormState, formData: FormData): Promise<UpdateFormState> {
  const values: Record<string, string> = {};
  for (const field of ECHOED_FIELDS) {
    const value = formData.get(field);
    // Echoed whole (the post is capped at UPDATE_FORM_MAX_BYTES in proxy.ts), so the form can say how large a text was.
    if (typeof value === "string") values[field] = value;
  }
  const id = positiveInteger(formData.get("id"));
  const input = updateFormInput((name) => formData.get(name));

  let saved;
  try {
    const actor = await requireOrganizer("writeUpdates");
    const parsed = parseUpdateForm(input);
    if (!parsed.success) return { status: "invalid", errors: parsed.errors, values };
    saved = id
      ? editUpdate({ actor, id, expectedRevision: positiveInteger(formData.get("revision")) ?? 0, input })
      : createUpdate({ actor, input });
  } catch (error) {
    if (!isAppError(error)) {
      console.error("[updates] saving failed:", error instanceof Error ? `${error.name}: ${error.message}` : "unknown error");
      return { status: "error", errors: { form: "failed" }, values };
    }
    if (error.code === "INVALID" && error.details) return { status: "invalid", errors: error.details, values };
    return { status: "invalid", errors: { form: errorCodeOf(error) }, values };
  }
  if (saved.state === "published") refreshPublicPages();
  redirect(`/admin/updates/${saved.id}?done=saved`);
}

/**
 * Publishes the saved draft at the revision the organizer previewed.
 * Needs `publishUpdates` (checked here and in the domain).
 */
export async function publishUpdateAction(formData: FormData): Promise<void> {
  const id = positiveInteger(formData.get("id"));
  if (!id) redirect("/admin/updates");
  await runAdminAction({
    capability: "publishUpdates",
    page: `/admin/updates/${id}`,
    work: (actor) => {
      publishUpdate({ actor, id, expectedRevision: positiveInteger(formData.get("revision")) ?? 0 });
      refreshPublicPages();
    },
    done: "published",
  });
}
