import "server-only";
import { isAppError } from "@/server/errors";

/**
 * What a page opened from an email link shows: the state `read` finds for
 * the token, or "invalid" (no token, unknown or spent) or "expired". Any
 * other error is a real failure and is thrown. Anyone holding a link may
 * call it; `read` never changes anything.
 */
export function readLinkState<State extends string>(token: string | undefined, read: (token: string) => State): State | "invalid" | "expired" {
  if (!token) return "invalid";
  try {
    return read(token);
  } catch (error) {
    if (isAppError(error)) return error.code === "EXPIRED" ? "expired" : "invalid";
    throw error;
  }
}
