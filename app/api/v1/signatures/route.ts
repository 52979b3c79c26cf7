import { parseSignLetter } from "@/lib/schemas/sign-letter";
import { BodyTooLargeError, getApiTranslator, jsonResponse, pickLocale, readBodyText } from "@/server/api/http";
import { checkSignLimits } from "@/server/abuse/check-sign-limits";
import { isBotSubmission, passesProofOfWork } from "@/server/abuse/is-bot-submission";
import { getClientIpHash } from "@/server/security/client-ip";
import { signLetter } from "@/server/signatures/sign-letter";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 16 * 1024;

/**
 * POST /api/v1/signatures: the sign form as JSON. 202 when accepted
 * (pending confirmation, whatever the address's history), 400 with a
 * message per field, 413 for a body over 16 KB, 415 for anything but JSON,
 * 429 with Retry-After over a rate limit (decision 0011). A bot caught by
 * the honeypot gets the same 202 and nothing is stored. With BOT_CHECK on,
 * the body must carry `altcha`: a solved, unused challenge from
 * `GET /api/v1/challenge`, else 400 with `errors.altcha`.
 */
export async function POST(request: Request): Promise<Response> {
  let locale = pickLocale(undefined, request.headers.get("accept-language"));
  let t = getApiTranslator(locale);
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    return jsonResponse({ error: t("Api.unsupportedMediaType") }, { status: 415 });
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBodyText(request, MAX_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return jsonResponse({ error: t("Api.payloadTooLarge") }, { status: 413 });
    return jsonResponse({ error: t("Api.malformedJson") }, { status: 400 });
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return jsonResponse({ error: t("Api.notAnObject") }, { status: 400 });
  }
  const requested = (body as { locale?: unknown }).locale;
  locale = pickLocale(requested, request.headers.get("accept-language"));
  t = getApiTranslator(locale);

  const parsed = parseSignLetter({ ...body, locale: requested ?? locale });
  if (!parsed.success) {
    const errors = Object.fromEntries(
      Object.entries(parsed.errors).map(([field, code]) => [field, t(`SignForm.errors.${code}`)]),
    );
    return jsonResponse({ errors }, { status: 400 });
  }
  const accepted = () => jsonResponse({ status: "pending", message: t("Api.accepted") }, { status: 202 });
  try {
    const verdict = await checkSignLimits({ headers: request.headers, email: parsed.data.email });
    if (verdict.outcome === "refused") {
      return jsonResponse(
        { error: t("Abuse.rateLimited") },
        { status: 429, headers: { "retry-after": String(verdict.retryAfterSeconds) } },
      );
    }
    if (isBotSubmission(parsed.data)) return accepted();
    if (!(await passesProofOfWork(parsed.data, "api"))) {
      return jsonResponse({ errors: { altcha: t("Abuse.proofOfWorkFailed") } }, { status: 400 });
    }
    signLetter({
      data: parsed.data,
      ipHash: getClientIpHash(request.headers),
      suspicion: verdict.outcome === "suspicious" ? verdict.suspicion : undefined,
    });
  } catch (error) {
    console.error("[api] signing failed:", error instanceof Error ? `${error.name}: ${error.message}` : "unknown error");
    return jsonResponse({ error: t("Api.internal") }, { status: 503 });
  }
  return accepted();
}
