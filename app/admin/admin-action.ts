import { redirect } from "next/navigation";
import type { Capability } from "@/server/auth/permissions";
import { requireOrganizer, type Organizer } from "@/server/auth/require-organizer";
import { isAppError } from "@/server/errors";

// Every admin server action is a public endpoint (decision 0007): it asks
// for its capability itself, reads its fields, calls one domain function
// and goes back to its page saying what happened. These helpers do that
// once for every action (decision 0023).

/** A form field as text, at most `maxLength` characters; "" when missing or a file. */
export function formText(formData: FormData, name: string, maxLength = 300): string {
  const value = formData.get(name);
  return typeof value === "string" ? value.slice(0, maxLength) : "";
}

/**
 * The code a page shows for a failed action (`error=<code>`): the
 * AppError's message key. Nobody signed in goes to the sign-in page, and
 * someone who must first set up a second factor to the account page, as
 * the pages' guard does; anything else is a bug and is rethrown (Next logs
 * it and answers 500).
 */
export function errorCodeOf(error: unknown): string {
  if (!isAppError(error)) throw error;
  if (error.code === "UNAUTHENTICATED") redirect("/admin/login");
  if (error.messageKey === "secondFactorRequired") redirect("/admin/account");
  return error.messageKey;
}

/**
 * Runs a form's `work` as the signed-in organizer, who must hold
 * `capability`, then redirects to `page` with `done=<done>` or
 * `error=<code>` added to `query` (what the page needs to show again, such
 * as the bulk filter). `enrolling` only for the account page's own actions.
 *
 *     export async function createPartnerCodeAction(formData: FormData) {
 *       await runAdminAction({ capability: "managePartnerCodes", page: "/admin/partners", done: "created",
 *         work: (actor) => createPartnerCode({ actor, code: formText(formData, "code", 100), … }) });
 *     }
 */
export async function runAdminAction<T>(options: {
  capability: Capability;
  page: string;
  work: (actor: Organizer) => T | Promise<T>;
  done: string | ((result: T) => string);
  query?: URLSearchParams;
  enrolling?: boolean;
}): Promise<never> {
  const query = new URLSearchParams(options.query);
  try {
    const actor = await requireOrganizer(options.capability, { enrolling: options.enrolling });
    const result = await options.work(actor);
    query.set("done", typeof options.done === "string" ? options.done : options.done(result));
  } catch (error) {
    query.set("error", errorCodeOf(error));
  }
  redirect(`${options.page}?${query.toString()}`);
}
