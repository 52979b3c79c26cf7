import { appErrorResponse } from "@/server/api/app-error-response";
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
    return new Response(formatCountryTotalsCsv(rows), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${countryTotalsFilename("csv", now)}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    return appErrorResponse(error);
  }
}
