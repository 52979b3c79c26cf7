import { handleSignRequest, SIGN_REQUEST_MAX_BODY_BYTES } from "@/server/api/handle-sign-request";
import { readBodyText } from "@/server/api/http";
import { getSubmittingClientFromHeaders } from "@/server/security/client-ip";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/signatures (see handleSignRequest). In production the custom
 * server answers this path itself, before Next (decision 0012); this route
 * serves `next dev` and any deployment started with plain `next start`.
 */
export async function POST(request: Request): Promise<Response> {
  const answer = await handleSignRequest({
    contentType: request.headers.get("content-type"),
    acceptLanguage: request.headers.get("accept-language"),
    readBody: () => readBodyText(request, SIGN_REQUEST_MAX_BODY_BYTES),
    client: getSubmittingClientFromHeaders(request.headers),
  });
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
