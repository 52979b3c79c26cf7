import { CONFIRM_REQUEST_MAX_BODY_BYTES, handleConfirmRequest } from "@/server/api/handle-confirm-request";
import { readBodyText } from "@/server/api/http";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/confirmations (see handleConfirmRequest). In production the
 * custom server answers this path itself, before Next (decision 0014); this
 * route serves `next dev` and plain `next start`.
 */
export async function POST(request: Request): Promise<Response> {
  const answer = await handleConfirmRequest({
    contentType: request.headers.get("content-type"),
    acceptLanguage: request.headers.get("accept-language"),
    readBody: () => readBodyText(request, CONFIRM_REQUEST_MAX_BODY_BYTES),
  });
  return new Response(answer.status === 303 ? null : answer.body, { status: answer.status, headers: answer.headers });
}
