import { parseDeliveryQuery } from "@/lib/schemas/delivery";
import { appErrorResponse } from "@/server/api/app-error-response";
import { fileResponse, jsonResponse } from "@/server/api/http";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { createDeliveryDocument } from "@/server/exports/delivery-document";

export const dynamic = "force-dynamic";

/**
 * GET /admin/exports/delivery.pdf?country=&locale=: the delivery document
 * for a parliament (one country, or all when `country` is absent), streamed
 * as an A4 PDF download. Admins and owners only (401 when signed out, 403
 * for a viewer: it lists names); 400 with a code per field for a bad query.
 */
export async function GET(request: Request): Promise<Response> {
  try {
    // Who is asking comes first: a signed-out caller learns nothing, not even which parameters are valid.
    const organizer = await requireOrganizer("exportPersonalData");
    const parsed = parseDeliveryQuery(new URL(request.url).searchParams);
    if (!parsed.success) return jsonResponse({ errors: parsed.errors }, { status: 400 });
    const { stream, filename } = createDeliveryDocument({ actor: organizer, ...parsed.data });
    return fileResponse(stream, { contentType: "application/pdf", filename, disposition: "attachment" });
  } catch (error) {
    return appErrorResponse(error);
  }
}
