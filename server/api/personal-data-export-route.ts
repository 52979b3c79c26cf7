import "server-only";
import { requireOrganizer, type Organizer } from "@/server/auth/require-organizer";
import { appErrorResponse } from "./app-error-response";
import { jsonResponse } from "./http";

type ParsedQuery<Query> = { success: true; data: Query } | { success: false; errors: object };

/**
 * The GET handler of an export that holds personal data (names, addresses,
 * or the digests of such files): admins and owners only (401 when signed
 * out, 403 for a viewer). Who is asking comes first, so a signed-out caller
 * learns nothing, not even which parameters are valid; then a bad query is
 * answered 400 with a code per field; then `respond` builds the file. The
 * domain function `respond` calls checks the capability again.
 */
export function personalDataExportRoute<Query>(
  parse: (params: URLSearchParams) => ParsedQuery<Query>,
  respond: (organizer: Organizer, query: Query) => Response,
): (request: Request) => Promise<Response> {
  return async (request) => {
    try {
      const organizer = await requireOrganizer("exportPersonalData");
      const parsed = parse(new URL(request.url).searchParams);
      if (!parsed.success) return jsonResponse({ errors: parsed.errors }, { status: 400 });
      return respond(organizer, parsed.data);
    } catch (error) {
      return appErrorResponse(error);
    }
  };
}
