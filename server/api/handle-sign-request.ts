import "server-only";
import { parseSignLetter } from "@/lib/schemas/sign-letter";
import type { Locale } from "@/lib/i18n/locales";
import { COMPILED_SIGN_LETTER_SCHEMA } from "@/server/signatures/compiled-sign-schema";
import { submitSignature, type SubmittingClient } from "@/server/signatures/submit-signature";
import { BodyTooLargeError, getApiTranslator, pickLocale, type PlainResponse } from "./http";

export type { PlainResponse } from "./http";

export { SIGN_API_MAX_BODY_BYTES as SIGN_REQUEST_MAX_BODY_BYTES } from "@/lib/body-limits";

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });

function json(status: number, body: unknown, headers: Record<string, string> = {}): PlainResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/**
 * POST /api/v1/signatures: the sign form as JSON. 202 when accepted
 * (pending confirmation, whatever the address's history), 400 with a
 * message per field, 413 for a body over 16 KB, 415 for anything but JSON,
 * 429 with Retry-After over a rate limit (decision 0011), 503 when the
 * database fails. A bot caught by the honeypot gets the same 202 and nothing
 * is stored. With BOT_CHECK on, the body must carry `altcha`: a solved,
 * unused challenge from `GET /api/v1/challenge`, else 400 with
 * `errors.altcha`. A 202 is sent only once the signature is committed.
 *
 * Both servers call this: the custom server's fast path in production and
 * Next's route handler under `next dev`; `readBody` throws BodyTooLargeError
 * past SIGN_REQUEST_MAX_BODY_BYTES.
 */
export async function handleSignRequest(request: {
  contentType: string | null;
  acceptLanguage: string | null;
  readBody: () => Promise<string>;
  client: SubmittingClient;
}): Promise<PlainResponse> {
  // Before the body is read, errors speak the language of Accept-Language.
  const headerT = () => getApiTranslator(pickLocale(undefined, request.acceptLanguage));
  if (!/^application\/json\s*(;|$)/i.test(request.contentType ?? "")) {
    return json(415, { error: headerT()("Api.unsupportedMediaType") });
  }
  let body: unknown;
  try {
    body = JSON.parse(await request.readBody());
  } catch (error) {
    if (error instanceof BodyTooLargeError) return json(413, { error: headerT()("Api.payloadTooLarge") });
    return json(400, { error: headerT()("Api.malformedJson") });
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return json(400, { error: headerT()("Api.notAnObject") });
  }
  const requested = (body as { locale?: unknown }).locale;
  const locale = pickLocale(requested, request.acceptLanguage);
  const t = getApiTranslator(locale);

  const parsed = parseSignLetter({ ...body, locale: requested ?? locale }, COMPILED_SIGN_LETTER_SCHEMA);
  if (!parsed.success) {
    const errors = Object.fromEntries(Object.entries(parsed.errors).map(([field, code]) => [field, t(`SignForm.errors.${code}`)]));
    return json(400, { errors });
  }
  try {
    const result = await submitSignature({ data: parsed.data, via: "api", client: request.client });
    if (result.outcome === "rateLimited") {
      return json(429, { error: t("Abuse.rateLimited") }, { "retry-after": String(result.retryAfterSeconds) });
    }
    if (result.outcome === "botCheckFailed") return json(400, { errors: { altcha: t("Abuse.proofOfWorkFailed") } });
  } catch (error) {
    console.error("[api] signing failed:", error instanceof Error ? `${error.name}: ${error.message}` : "unknown error");
    return json(503, { error: t("Api.internal") });
  }
  return acceptedResponse(locale);
}

const acceptedBodies = new Map<Locale, string>();
/** The 202, the answer to nearly every request here: its body made once per locale. */
function acceptedResponse(locale: Locale): PlainResponse {
  let body = acceptedBodies.get(locale);
  if (body === undefined) {
    body = JSON.stringify({ status: "pending", message: getApiTranslator(locale)("Api.accepted") });
    acceptedBodies.set(locale, body);
  }
  return { status: 202, headers: JSON_HEADERS, body };
}
