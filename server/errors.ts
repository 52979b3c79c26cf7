export const APP_ERROR_CODES = ["INVALID", "NOT_FOUND", "UNAUTHENTICATED", "FORBIDDEN", "CONFLICT", "RATE_LIMITED", "EXPIRED"] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/**
 * An expected failure with a code the route turns into a status and a
 * translated message (`messageKey` names it in messages/).
 */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    readonly messageKey: string,
    readonly details?: Record<string, string>,
  ) {
    super(`${code}: ${messageKey}`);
    this.name = "AppError";
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
