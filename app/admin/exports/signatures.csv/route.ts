import { parseSignatureExportFilter } from "@/lib/schemas/export";
import { fileResponse } from "@/server/api/http";
import { personalDataExportRoute } from "@/server/api/personal-data-export-route";
import { exportSignaturesCsv } from "@/server/exports/export-signatures-csv";

export const dynamic = "force-dynamic";

/**
 * GET /admin/exports/signatures.csv?status=&country=&from=&to=: the
 * signatures as a streamed CSV download. Admins and owners only (401 when
 * signed out, 403 for a viewer: the file holds names and addresses); 400
 * with a code per field for a bad filter.
 */
export const GET = personalDataExportRoute(parseSignatureExportFilter, (organizer, filter) => {
  const { stream, filename } = exportSignaturesCsv({ actor: organizer, filter });
  return fileResponse(stream, {
    contentType: "text/csv; charset=utf-8",
    filename,
    disposition: "attachment",
    // no-transform: a proxy (or Next's own compression) must not re-encode the file
    // whose SHA-256 goes into the delivery manifest; skipping gzip also halves
    // the export's CPU cost on a large list (bench/RESULTS.md).
    cacheControl: "no-store, no-transform",
  });
});
