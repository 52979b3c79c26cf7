import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_MAIL_RATE_PER_MINUTE, getConfig, resetConfigForTesting } from "./config";

describe("MAIL_RATE_PER_MINUTE", () => {
  const original = process.env.MAIL_RATE_PER_MINUTE;
  afterEach(() => {
    if (original === undefined) delete process.env.MAIL_RATE_PER_MINUTE;
    else process.env.MAIL_RATE_PER_MINUTE = original;
    resetConfigForTesting();
  });

  const read = (value: string | undefined) => {
    if (value === undefined) delete process.env.MAIL_RATE_PER_MINUTE;
    else process.env.MAIL_RATE_PER_MINUTE = value;
    resetConfigForTesting();
    return getConfig().mailRatePerMinute;
  };

  it("defaults to one email a second, takes a whole number, and 0 for no throttle", () => {
    expect(DEFAULT_MAIL_RATE_PER_MINUTE).toBe(60);
    expect(read(undefined)).toBe(60);
    expect(read("")).toBe(60);
    expect(read("600")).toBe(600);
    expect(read("0")).toBe(0);
  });

  it.each(["off", "-1", "1.5", "10/min", "2000000"])("refuses %j at start, naming the variable", (value) => {
    expect(() => read(value)).toThrow(/MAIL_RATE_PER_MINUTE/);
  });
});
