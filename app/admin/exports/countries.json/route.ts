import { appErrorResponse } from "@/server/api/app-error-response";
import { jsonResponse } from "@/server/api/http";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { getCountryTotals } from "@/server/exports/export-country-totals";

export const dynamic = "force-dynamic";

/** GET /admin/exports/countries.json: `{ countries: [{ country, countryName, count }] }`, most first. Viewers and up. */
export async function GET(): Promise<Response> {
  try {
    const organizer = await requireOrganizer("viewer");
    return jsonResponse({ countries: getCountryTotals({ actor: organizer, format: "json" }) }, { headers: { "x-content-type-options": "nosniff" } });
  } catch (error) {
    return appErrorResponse(error);
  }
}
