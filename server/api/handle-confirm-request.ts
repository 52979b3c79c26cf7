import "server-only";
import type { Locale } from "@/lib/i18n/locales";
import { confirmSignatureSchema } from "@/lib/schemas/confirm-signature";
import { isAppError } from "@/server/errors";
import { submitConfirmation } from "@/server/signatures/confirm-signature";
import { BodyTooLargeError, getApiTranslator, pickLocale, type PlainResponse } from "./http";

export { CONFIRM_API_MAX_BODY_BYTES as CONFIRM_REQUEST_MAX_BODY_BYTES } from "@/lib/body-limits";

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const JSON_TYPE = /^application\/json\s*(;|$)/i;

function json(status: number, body: unknown): PlainResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }, body: JSON.stringify(body) };
}

/** A 303 to one of our own pages: the browser's next step after pressing the button. */
function seeOther(location: string): PlainResponse {
  return { status: 303, headers: { location, "cache-control": "no-store", "content-type": "text/plain; charset=utf-8" }, body: "" };
}

type Problem = "invalid" | "expired";

/**
 * POST /api/v1/confirmations: the confirmation button (decision 0014).
 * The confirm page's plain HTML form posts `token` and `locale` here, with
 * or without JavaScript; the answer is a 303 to the "confirmed" page, or
 * back to the confirm page with `?problem=invalid|expired`. The same
 * endpoint takes JSON (`{ "token": "…" }`) and answers 200
 * `{ status: "confirmed" | "alreadyConfirmed" }`, 400 for a malformed
 * token, 404 for an unknown or spent one, 410 for an expired one, 413, 415,
 * 503 when the database fails. Anyone holding the token may confirm
 * (the token is the authorization; a 256-bit secret cannot be guessed), and
 * confirming twice changes nothing. The write is group-committed and the
 * answer sent once it is on disk.
 *
 * Both servers call this: the custom server's fast path in production and
 * Next's route handler under `next dev`.
 */
export async function handleConfirmRequest(request: {
  contentType: string | null;
  acceptLanguage: string | null;
  readBody: () => Promise<string>;
}): Promise<PlainResponse> {
  const isForm = FORM_TYPE.test(request.contentType ?? "");
  let locale: Locale = pickLocale(undefined, request.acceptLanguage);
  if (!isForm && !JSON_TYPE.test(request.contentType ?? "")) {
    return json(415, { error: getApiTranslator(locale)("Api.notAForm") });
  }
  let fields: Record<string, unknown>;
  try {
    const body = await request.readBody();
    const parsed: unknown = isForm ? Object.fromEntries(new URLSearchParams(body)) : JSON.parse(body);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new SyntaxError("not an object");
    fields = parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof BodyTooLargeError) return json(413, { error: getApiTranslator(locale)("Api.payloadTooLarge") });
    if (isForm) return seeOther(`/${locale}/confirm?problem=invalid`);
    return json(400, { error: getApiTranslator(locale)("Api.malformedJson") });
  }
  locale = pickLocale(fields.locale, request.acceptLanguage);
  const t = getApiTranslator(locale);
  const answerProblem = (problem: Problem): PlainResponse =>
    isForm
      ? seeOther(`/${locale}/confirm?problem=${problem}`)
      : problem === "expired"
        ? json(410, { error: t("Api.tokenExpired") })
        : json(404, { error: t("Api.tokenInvalid") });

  const parsed = confirmSignatureSchema.safeParse(fields);
  if (!parsed.success) return isForm ? answerProblem("invalid") : json(400, { errors: { token: t("Api.tokenInvalid") } });
  const { token } = parsed.data;
  try {
    const state = await submitConfirmation({ token });
    if (isForm) return seeOther(`/${locale}/confirmed?token=${token}`);
    return json(200, state === "ready" ? { status: "confirmed", message: t("Api.confirmed") } : { status: "alreadyConfirmed", message: t("Api.alreadyConfirmed") });
  } catch (error) {
    if (isAppError(error) && (error.code === "NOT_FOUND" || error.code === "EXPIRED")) {
      return answerProblem(error.code === "EXPIRED" ? "expired" : "invalid");
    }
    console.error("[api] confirming failed:", error instanceof Error ? `${error.name}: ${error.message}` : "unknown error");
    return json(503, { error: t("Api.internal") });
  }
}
