import { appErrorResponse } from "@/server/api/app-error-response";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { countryTotalsFilename, formatCountryTotalsJson, getCountryTotals } from "@/server/exports/export-country-totals";

export const dynamic = "force-dynamic";

/** GET /admin/exports/countries.json: `{ countries: [{ country, countryName, count }] }`, most first. Viewers and up. */
export async function GET(): Promise<Response> {
  try {
    const organizer = await requireOrganizer("readTotals");
    const now = Date.now();
    // The same formatter the audit row's SHA-256 was computed over: the manifest matches these bytes.
    const body = formatCountryTotalsJson(getCountryTotals({ actor: organizer, format: "json", now }));
    return new Response(body, {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `inline; filename="${countryTotalsFilename("json", now)}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    return appErrorResponse(error);
  }
}
