import { describe, expect, it } from "vitest";
import { AppError, type AppErrorCode } from "@/server/errors";
import { appErrorResponse } from "./app-error-response";

describe("appErrorResponse", () => {
  it.each<[AppErrorCode, number]>([
    ["UNAUTHENTICATED", 401],
    ["FORBIDDEN", 403],
    ["INVALID", 400],
    ["NOT_FOUND", 404],
    ["CONFLICT", 409],
    ["RATE_LIMITED", 429],
  ])("answers %s with %i and the message key as JSON, never cached", async (code, status) => {
    const response = appErrorResponse(new AppError(code, "someKey"));
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ error: "someKey" });
  });

  it("tells a rate-limited client when to come back", () => {
    const response = appErrorResponse(new AppError("RATE_LIMITED", "loginRateLimited", { retryAfter: "42" }));
    expect(response.headers.get("retry-after")).toBe("42");
  });

  it("sends no Retry-After when the error does not say", () => {
    expect(appErrorResponse(new AppError("RATE_LIMITED", "tooMany")).headers.get("retry-after")).toBeNull();
    expect(appErrorResponse(new AppError("RATE_LIMITED", "tooMany", { retryAfter: "soon" })).headers.get("retry-after")).toBeNull();
  });

  it("passes per-field codes of an INVALID error on", async () => {
    const response = appErrorResponse(new AppError("INVALID", "invalidFilters", { country: "countryInvalid" }));
    expect(await response.json()).toEqual({ error: "invalidFilters", errors: { country: "countryInvalid" } });
  });

  it("rethrows anything that is not an expected failure", () => {
    const bug = new TypeError("x is undefined");
    expect(() => appErrorResponse(bug)).toThrow(bug);
    expect(() => appErrorResponse("a string")).toThrow();
  });

  it("answers an expired link or token with 410 Gone", async () => {
    const response = appErrorResponse(new AppError("EXPIRED", "linkExpired"));
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual({ error: "linkExpired" });
  });
});
