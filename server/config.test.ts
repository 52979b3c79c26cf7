import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getConfig, resetConfigForTesting } from "./config";

describe("getConfig", () => {
  beforeEach(() => resetConfigForTesting());
  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfigForTesting();
  });

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
