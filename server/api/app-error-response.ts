import "server-only";
import { isAppError, type AppErrorCode } from "@/server/errors";
import { jsonResponse } from "./http";

/** The HTTP status of each expected failure (the type makes a new code impossible to forget here). */
const STATUS_BY_CODE: Record<AppErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  INVALID: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  EXPIRED: 410,
};

/**
 * Turns an AppError thrown by a domain function into a JSON answer
 * (`{ error: messageKey }`, plus `errors` per field for INVALID when the
 * error carries them), the one place route handlers map codes to statuses.
 * Anything else (a bug, a database failure) is rethrown so Next logs it and
 * answers a bare 500: no stack trace or SQL reaches the client.
 */
export function appErrorResponse(error: unknown): Response {
  if (!isAppError(error)) throw error;
  const status = STATUS_BY_CODE[error.code];
  const headers: Record<string, string> = {};
  const retryAfter = Number(error.details?.retryAfter);
  if (error.code === "RATE_LIMITED" && Number.isFinite(retryAfter) && retryAfter >= 0) {
    headers["retry-after"] = String(Math.ceil(retryAfter));
  }
  const body: Record<string, unknown> = { error: error.messageKey };
  if (error.code === "INVALID" && error.details) body.errors = error.details;
  return jsonResponse(body, { status, headers });
}
