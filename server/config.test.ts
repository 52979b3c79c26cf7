import { afterEach, describe, expect, it, vi } from "vitest";
import { setUpFreshConfig } from "@/test/config";
import { DEFAULT_MAIL_RATE_PER_MINUTE, getConfig, MAX_CONFIRM_REMINDER_HOURS, resetConfigForTesting } from "./config";

describe("getConfig", () => {
  setUpFreshConfig();

  const production = (env: Record<string, string>) => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("AUTH_SECRET", "a-production-secret-of-at-least-32-chars");
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    resetConfigForTesting();
    return () => getConfig();
  };

  it("refuses to start in production without APP_URL, saying why", () => {
    expect(production({ APP_URL: "" })).toThrow(/APP_URL is required in production: .*emails/);
    expect(production({ APP_URL: "https://letter.example.org/" })().appUrl).toBe("https://letter.example.org");
  });

  it("lets the production build run without APP_URL (one build serves any URL)", () => {
    expect(production({ APP_URL: "", NEXT_PHASE: "phase-production-build" })().appUrl).toBe("http://localhost:3000");
  });

  it.each([
    [undefined, 0],
    ["0", 0],
    ["1", 1],
    ["2", 2],
  ])("TRUST_PROXY=%j is %i trusted proxy hop(s)", (value, hops) => {
    if (value !== undefined) vi.stubEnv("TRUST_PROXY", value);
    resetConfigForTesting();
    expect(getConfig().trustProxyHops).toBe(hops);
  });

  it.each(["yes", "true", "-1", "1.5", "11"])("TRUST_PROXY=%j stops the server, naming the variable", (value) => {
    vi.stubEnv("TRUST_PROXY", value);
    resetConfigForTesting();
    expect(() => getConfig()).toThrow(/TRUST_PROXY/);
  });
});

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

describe("CONFIRM_REMINDER_HOURS", () => {
  const original = process.env.CONFIRM_REMINDER_HOURS;
  afterEach(() => {
    if (original === undefined) delete process.env.CONFIRM_REMINDER_HOURS;
    else process.env.CONFIRM_REMINDER_HOURS = original;
    resetConfigForTesting();
  });

  const read = (value: string | undefined) => {
    if (value === undefined) delete process.env.CONFIRM_REMINDER_HOURS;
    else process.env.CONFIRM_REMINDER_HOURS = value;
    resetConfigForTesting();
    return getConfig().confirmReminderHours;
  };

  it("defaults to 48 hours, takes whole hours up to 6 days, and 0 for no reminder", () => {
    expect(read(undefined)).toBe(48);
    expect(read("")).toBe(48);
    expect(read("24")).toBe(24);
    expect(read("0")).toBe(0);
    expect(read("144")).toBe(144);
    // Below the first link's 7 days: its token is the record that a confirmation email went out.
    expect(MAX_CONFIRM_REMINDER_HOURS).toBeLessThan(7 * 24);
  });

  it.each(["off", "-1", "0.5", "48h", "145", "1000"])("refuses %j at start, naming the variable", (value) => {
    expect(() => read(value)).toThrow(/CONFIRM_REMINDER_HOURS/);
  });
});
