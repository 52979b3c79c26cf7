import { describe, expect, it } from "vitest";
import { AUTH_MAX_BODY_BYTES, CONFIRM_API_MAX_BODY_BYTES, findBodyLimit, FORM_POST_MAX_BODY_BYTES, SIGN_API_MAX_BODY_BYTES, UNSUBSCRIBE_API_MAX_BODY_BYTES } from "./body-limits";
import { UPDATE_FORM_MAX_BYTES } from "./schemas/update";

describe("findBodyLimit", () => {
  it.each([
    ["POST", "/api/v1/signatures", SIGN_API_MAX_BODY_BYTES, "json"],
    ["POST", "/api/v1/confirmations", CONFIRM_API_MAX_BODY_BYTES, "json"],
    ["POST", "/api/v1/unsubscribe", UNSUBSCRIBE_API_MAX_BODY_BYTES, "json"],
    ["POST", "/api/auth/callback/credentials", AUTH_MAX_BODY_BYTES, "json"],
    ["POST", "/api/auth/signout", AUTH_MAX_BODY_BYTES, "json"],
    ["POST", "/api/v1/stats", 0, "json"],
    ["GET", "/api/health", 0, "json"],
    ["POST", "/en", FORM_POST_MAX_BODY_BYTES, "text"],
    ["POST", "/admin/signatures", FORM_POST_MAX_BODY_BYTES, "text"],
    ["POST", "/admin/updates/new", UPDATE_FORM_MAX_BYTES, "text"],
    ["POST", "/admin/updates/12", UPDATE_FORM_MAX_BYTES, "text"],
    ["POST", "/admin/updatesX", FORM_POST_MAX_BODY_BYTES, "text"],
    ["GET", "/en", 0, "text"],
    ["PUT", "/en", 0, "text"],
    ["GET", "/_next/static/chunks/main.js", 0, "text"],
    [undefined, "/", 0, "text"],
  ] as const)("%s %s: at most %i bytes, refused as %s", (method, pathname, maxBytes, answer) => {
    expect(findBodyLimit(method, pathname)).toEqual({ maxBytes, answer });
  });
});
