import { afterEach, vi } from "vitest";

// A test fails on any console.error: errors must be asserted, not logged.
const originalError = console.error;
console.error = (...args: unknown[]) => {
  originalError(...args);
  throw new Error(`console.error was called: ${args.map(String).join(" ")}`);
};

process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";
process.env.APP_URL ??= "http://app.test";

afterEach(() => {
  vi.restoreAllMocks();
});
