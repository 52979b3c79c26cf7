import { parseManifestQuery } from "@/lib/schemas/delivery";
import { fileResponse } from "@/server/api/http";
import { personalDataExportRoute } from "@/server/api/personal-data-export-route";
import { getExportManifest } from "@/server/exports/manifest";

export const dynamic = "force-dynamic";

/**
 * GET /admin/exports/manifest.sha256?since=YYYY-MM-DD: the SHA-256 of every
 * file exported since then (delivery PDFs, signature lists, country
 * totals), in `sha256sum` format, so a recipient can run
 * `sha256sum -c --ignore-missing manifest.sha256` beside the files they
 * were given. Admins and owners (401 / 403 otherwise); 400 for a bad date.
 */
export const GET = personalDataExportRoute(parseManifestQuery, (organizer, query) => {
  const manifest = getExportManifest({ actor: organizer, ...query });
  return fileResponse(manifest.text, { contentType: "text/plain; charset=utf-8", filename: manifest.filename, disposition: "inline" });
});
