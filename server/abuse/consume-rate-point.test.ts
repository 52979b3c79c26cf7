import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { rateLimits } from "@/db/schema";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { consumeWindowPairPoint } from "./consume-rate-point";
import type { WindowPairSpec } from "./rate-limiters";

const T0 = Date.parse("2026-12-07T06:00:00Z");
const SPEC: WindowPairSpec = { keyPrefix: "t-pair", burst: { points: 3, durationSeconds: 60 }, sustained: { points: 10, durationSeconds: 3600 } };

describe("consumeWindowPairPoint", () => {
  forbidRealClock();
  let db: AppDatabase;
  setUpTestDatabase((opened) => ({ db } = opened));

  const take = (key: string, now: number) => consumeWindowPairPoint(db, SPEC, key, { now, burstLimit: SPEC.burst.points });

  it("counts both windows of a client in one row", () => {
    expect(take("client-a", T0)).toEqual({ burst: { consumedPoints: 1, msBeforeNext: 60_000 }, sustained: { consumedPoints: 1, msBeforeNext: 3_600_000 } });
    expect(take("client-a", T0 + 1_000)).toEqual({ burst: { consumedPoints: 2, msBeforeNext: 59_000 }, sustained: { consumedPoints: 2, msBeforeNext: 3_599_000 } });
    take("client-b", T0);
    expect(db.select().from(rateLimits).all()).toEqual([
      { key: "t-pair:client-a", points: 2, expire: T0 + 3_600_000, burstPoints: 2, burstExpire: T0 + 60_000 },
      { key: "t-pair:client-b", points: 1, expire: T0 + 3_600_000, burstPoints: 1, burstExpire: T0 + 60_000 },
    ]);
  });

  it("does not count a point the burst window refuses in the sustained window", () => {
    for (let i = 0; i < 3; i += 1) take("client", T0 + i);
    const refused = take("client", T0 + 10);
    expect(refused.burst.consumedPoints).toBe(4);
    expect(refused.sustained.consumedPoints).toBe(3);
    expect(take("client", T0 + 20).sustained.consumedPoints).toBe(3);
  });

  it("starts a new burst window after its minute while the hour's count goes on, and a new hour after the hour", () => {
    for (let i = 0; i < 3; i += 1) take("client", T0 + i);
    const nextMinute = take("client", T0 + 60_000);
    expect(nextMinute.burst).toEqual({ consumedPoints: 1, msBeforeNext: 60_000 });
    expect(nextMinute.sustained).toEqual({ consumedPoints: 4, msBeforeNext: 3_540_000 });
    const nextHour = take("client", T0 + 3_600_000);
    expect(nextHour).toEqual({ burst: { consumedPoints: 1, msBeforeNext: 60_000 }, sustained: { consumedPoints: 1, msBeforeNext: 3_600_000 } });
  });
});
