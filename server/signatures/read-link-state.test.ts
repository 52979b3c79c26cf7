import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { readLinkState } from "./read-link-state";

describe("readLinkState", () => {
  it("gives the state read for the token, invalid without one, and maps the typed errors", () => {
    expect(readLinkState("t".repeat(43), () => "ready")).toBe("ready");
    expect(readLinkState(undefined, () => "ready")).toBe("invalid");
    expect(readLinkState("", () => "ready")).toBe("invalid");
    expect(
      readLinkState("x", () => {
        throw new AppError("EXPIRED", "tokenExpired");
      }),
    ).toBe("expired");
    expect(
      readLinkState("x", () => {
        throw new AppError("NOT_FOUND", "tokenInvalid");
      }),
    ).toBe("invalid");
  });

  it("throws anything else: a failing database is not an invalid link", () => {
    expect(() =>
      readLinkState("x", () => {
        throw new Error("SQLITE_IOERR");
      }),
    ).toThrow("SQLITE_IOERR");
  });
});
