import { appErrorResponse } from "@/server/api/app-error-response";
import { fileResponse } from "@/server/api/http";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { countryTotalsFilename, formatCountryTotalsCsv, getCountryTotals } from "@/server/exports/export-country-totals";

export const dynamic = "force-dynamic";

/** GET /admin/exports/countries.csv: verified signatures per country. Viewers and up (401 when signed out). */
export async function GET(): Promise<Response> {
  try {
    const organizer = await requireOrganizer("readTotals");
    const now = Date.now();
    // The same formatter the audit row's SHA-256 was computed over: the manifest matches these bytes.
    const rows = getCountryTotals({ actor: organizer, format: "csv", now });
    return fileResponse(formatCountryTotalsCsv(rows), { contentType: "text/csv; charset=utf-8", filename: countryTotalsFilename("csv", now), disposition: "attachment" });
  } catch (error) {
    return appErrorResponse(error);
  }
}
