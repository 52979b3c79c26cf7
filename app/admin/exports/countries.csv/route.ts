import { appErrorResponse } from "@/server/api/app-error-response";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { formatCountryTotalsCsv, getCountryTotals } from "@/server/exports/export-country-totals";

export const dynamic = "force-dynamic";

/** GET /admin/exports/countries.csv: verified signatures per country. Viewers and up (401 when signed out). */
export async function GET(): Promise<Response> {
  try {
    const organizer = await requireOrganizer("viewer");
    const rows = getCountryTotals({ actor: organizer, format: "csv" });
    const day = new Date().toISOString().slice(0, 10);
    return new Response(formatCountryTotalsCsv(rows), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="countries-${day}.csv"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    return appErrorResponse(error);
  }
}
