import { parseManifestQuery } from "@/lib/schemas/delivery";
import { appErrorResponse } from "@/server/api/app-error-response";
import { fileResponse, jsonResponse } from "@/server/api/http";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { getExportManifest } from "@/server/exports/manifest";

export const dynamic = "force-dynamic";

/**
 * GET /admin/exports/manifest.sha256?since=YYYY-MM-DD: the SHA-256 of every
 * file exported since then (delivery PDFs, signature lists, country
 * totals), in `sha256sum` format, so a recipient can run
 * `sha256sum -c --ignore-missing manifest.sha256` beside the files they
 * were given. Admins and owners (401 / 403 otherwise); 400 for a bad date.
 */
export async function GET(request: Request): Promise<Response> {
  try {
    const organizer = await requireOrganizer("exportPersonalData");
    const parsed = parseManifestQuery(new URL(request.url).searchParams);
    if (!parsed.success) return jsonResponse({ errors: parsed.errors }, { status: 400 });
    const manifest = getExportManifest({ actor: organizer, ...parsed.data });
    return fileResponse(manifest.text, { contentType: "text/plain; charset=utf-8", filename: manifest.filename, disposition: "inline" });
  } catch (error) {
    return appErrorResponse(error);
  }
}
