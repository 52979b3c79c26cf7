import { parseDeliveryQuery } from "@/lib/schemas/delivery";
import { fileResponse } from "@/server/api/http";
import { personalDataExportRoute } from "@/server/api/personal-data-export-route";
import { createDeliveryDocument } from "@/server/exports/delivery-document";

export const dynamic = "force-dynamic";

/**
 * GET /admin/exports/delivery.pdf?country=&locale=: the delivery document
 * for a parliament (one country, or all when `country` is absent), streamed
 * as an A4 PDF download. Admins and owners only (401 when signed out, 403
 * for a viewer: it lists names); 400 with a code per field for a bad query.
 */
export const GET = personalDataExportRoute(parseDeliveryQuery, (organizer, query) => {
  const { stream, filename } = createDeliveryDocument({ actor: organizer, ...query });
  return fileResponse(stream, { contentType: "application/pdf", filename, disposition: "attachment" });
});
