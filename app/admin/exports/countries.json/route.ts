import { appErrorResponse } from "@/server/api/app-error-response";
import { fileResponse } from "@/server/api/http";
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
    return fileResponse(body, { contentType: "application/json; charset=utf-8", filename: countryTotalsFilename("json", now), disposition: "inline" });
  } catch (error) {
    return appErrorResponse(error);
  }
}
