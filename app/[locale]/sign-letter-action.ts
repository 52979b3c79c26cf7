"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { DEFAULT_LOCALE, isLocale } from "@/lib/i18n/locales";
import type { SignFormState } from "@/lib/schemas/sign-form-state";
import { parseSignLetter } from "@/lib/schemas/sign-letter";
import { getSubmittingClientFromHeaders } from "@/server/security/client-ip";
import { COMPILED_SIGN_LETTER_SCHEMA } from "@/server/signatures/compiled-sign-schema";
import { submitSignature } from "@/server/signatures/submit-signature";

const ECHOED_FIELDS = ["name", "email", "country", "city", "isPublicName", "wantsUpdates", "acceptPrivacy"] as const;

/**
 * The sign form's action: a public endpoint, so it trusts nothing it is
 * sent. Invalid input comes back with a code per field and what was typed;
 * valid input is signed and the person is sent to "check your email".
 * Over a rate limit it says so (status "rateLimited"); a bot caught by the
 * honeypot or the fill time is sent to the same page, with nothing stored;
 * a script-run form whose proof of work fails gets "botCheckFailed"; a post
 * without JavaScript needs none (decision 0011).
 */
export async function signLetterAction(_previous: SignFormState, formData: FormData): Promise<SignFormState> {
  const input: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !key.startsWith("$")) input[key] = value;
  }
  const localeField = input.locale;
  const locale = isLocale(localeField) ? localeField : DEFAULT_LOCALE;
  const values: SignFormState["values"] = {};
  for (const field of ECHOED_FIELDS) {
    if (input[field] !== undefined) values[field] = input[field].slice(0, 320);
  }

  const parsed = parseSignLetter({ ...input, locale }, COMPILED_SIGN_LETTER_SCHEMA);
  if (!parsed.success) return { status: "invalid", errors: parsed.errors, values };

  try {
    const client = getSubmittingClientFromHeaders(await headers());
    const result = await submitSignature({ data: parsed.data, via: "form", client });
    if (result.outcome === "rateLimited") return { status: "rateLimited", errors: {}, values };
    if (result.outcome === "botCheckFailed") return { status: "botCheckFailed", errors: {}, values };
  } catch (error) {
    console.error("[sign] signing failed:", error instanceof Error ? `${error.name}: ${error.message}` : "unknown error");
    return { status: "error", errors: {}, values };
  }
  redirect(`/${locale}/thanks`);
}
