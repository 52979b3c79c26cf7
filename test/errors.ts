import { AppError } from "@/server/errors";

/** The AppError that `run` throws; anything else it throws is rethrown, and throwing nothing fails. */
export function caughtAppError(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}
