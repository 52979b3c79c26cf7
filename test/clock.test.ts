import { describe, expect, it } from "vitest";
import { installClockGuard, RealClockReadError } from "./clock";

describe("the real-clock guard for fixed-date tests", () => {
  it("refuses every way of reading the current time and allows dates built from a value", () => {
    const T0 = Date.parse("2026-11-21T10:00:00Z");
    const restore = installClockGuard();
    try {
      expect(() => Date.now()).toThrow(RealClockReadError);
      expect(() => new Date()).toThrow(RealClockReadError);
      expect(() => (Date as unknown as () => string)()).toThrow(RealClockReadError);
      expect(new Date(T0).toISOString()).toBe("2026-11-21T10:00:00.000Z");
      expect(new Date(T0)).toBeInstanceOf(Date);
      expect(Date.parse("2026-11-21T10:00:00Z")).toBe(T0);
      expect(Date.UTC(2026, 10, 21, 10)).toBe(T0);
    } finally {
      restore();
    }
    expect(typeof Date.now()).toBe("number");
    expect(new Date().getTime()).toBeGreaterThan(0);
  });
});
