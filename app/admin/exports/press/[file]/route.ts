import { parsePressKitRequest } from "@/lib/schemas/press-kit";
import { appErrorResponse } from "@/server/api/app-error-response";
import { fileResponse, jsonResponse } from "@/server/api/http";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { getPressKitFile } from "@/server/exports/press-kit";

export const dynamic = "force-dynamic";

/**
 * GET /admin/exports/press/<file>?locale=en|ru|uk: one file of the press kit
 * (signatures-over-time.png|svg, countries.png|svg, stats.json) as a
 * download. Viewers and up (401 when signed out): counters only, no personal
 * data. 404 for an unknown file, 400 for a locale we do not publish.
 */
export async function GET(request: Request, context: { params: Promise<{ file: string }> }): Promise<Response> {
  try {
    // Who is asking comes first: a signed-out caller learns nothing, not even which files exist.
    const organizer = await requireOrganizer("readTotals");
    const parsed = parsePressKitRequest({ file: (await context.params).file, searchParams: new URL(request.url).searchParams });
    if (!parsed.success) {
      return parsed.error === "fileUnknown"
        ? jsonResponse({ error: "notFound" }, { status: 404 })
        : jsonResponse({ errors: { locale: parsed.error } }, { status: 400 });
    }
    const download = await getPressKitFile({ actor: organizer, ...parsed.data });
    // Organizers' downloads, audited one by one: no shared or browser cache may answer for us.
    return fileResponse(download.body, { contentType: download.contentType, filename: download.filename, disposition: "attachment", cacheControl: "private, no-store" });
  } catch (error) {
    return appErrorResponse(error);
  }
}
