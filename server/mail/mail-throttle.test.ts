import { describe, expect, it } from "vitest";
import { createMailThrottle } from "./mail-throttle";

const T0 = 1_800_000_000_000;

describe("the mail throttle", () => {
  it("lets one email a second through at 60 a minute, after one to start with", () => {
    const throttle = createMailThrottle(60);
    expect(throttle.take(10, T0)).toBe(1);
    expect(throttle.take(10, T0)).toBe(0);
    expect(throttle.msUntilNext(T0)).toBe(1000);
    expect(throttle.take(10, T0 + 1000)).toBe(1);
    expect(throttle.take(10, T0 + 4000)).toBe(3);
  });

  it("holds at most five seconds' worth, so a quiet hour is not a burst", () => {
    const throttle = createMailThrottle(600);
    throttle.take(1, T0);
    expect(throttle.take(1000, T0 + 3_600_000)).toBe(50);
  });

  it("counts confirmation emails against the budget, so a mailing waits for them, up to one minute's worth", () => {
    const throttle = createMailThrottle(60);
    throttle.take(1, T0);
    throttle.spend(5, T0);
    expect(throttle.msUntilNext(T0)).toBe(6000);
    throttle.spend(10_000, T0);
    expect(throttle.msUntilNext(T0)).toBe(61_000);
  });

  it("gives back what was taken and not sent", () => {
    const throttle = createMailThrottle(60);
    expect(throttle.take(1, T0)).toBe(1);
    throttle.giveBack(1);
    expect(throttle.take(1, T0)).toBe(1);
  });

  it("does not throttle at 0", () => {
    const throttle = createMailThrottle(0);
    expect(throttle.take(5000, T0)).toBe(5000);
    throttle.spend(1_000_000, T0);
    expect(throttle.msUntilNext(T0)).toBe(0);
  });
});
