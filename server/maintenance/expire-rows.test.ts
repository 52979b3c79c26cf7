import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { deleteExpiredRows } from "./expire-rows";

const T0 = Date.parse("2026-12-07T04:00:00Z");
const DAY_MS = 24 * 60 * 60 * 1000;

describe("deleteExpiredRows over tables larger than one step", () => {
  forbidRealClock();
  let db: AppDatabase;
  setUpTestDatabase((opened) => ({ db } = opened));

  it("deletes every expired row and only those, across several key windows", async () => {
    // 50,000 rate-limit rows in random key order (the keys are hashes): every third one has expired.
    const insert = db.$client.prepare("insert into rate_limits (key, points, expire) values (?, 1, ?)");
    const expected = { expired: 0, kept: 0 };
    db.$client.transaction(() => {
      for (let i = 0; i < 50_000; i += 1) {
        const expired = i % 3 === 0;
        insert.run(`sign-ip-hour:${((i * 2_654_435_761) % 2 ** 32).toString(36)}-${i}`, expired ? T0 - 1 : T0 + DAY_MS);
        expected[expired ? "expired" : "kept"] += 1;
      }
      // A row without an expiry is a count that never lapses: kept.
      insert.run("sign-domain-hour:example.org", null);
    })();

    const result = await deleteExpiredRows({ db, now: T0 });

    expect(result).toEqual({ tokens: 0, rateLimits: expected.expired, maintenanceRuns: 0 });
    const left = db.$client.prepare("select count(*) as n, sum(expire is not null and expire <= ?) as expired from rate_limits").get(T0) as { n: number; expired: number };
    expect(left).toEqual({ n: expected.kept + 1, expired: 0 });
  });

  it("keeps a client's sign row while its burst window is open, though its hour has passed", async () => {
    // The burst refused the point that would have started a new hour: the hour's expiry stayed behind.
    db.$client.exec(`insert into rate_limits (key, points, expire, burst_points, burst_expire) values
      ('sign-ip:burst-open', 11, ${T0 - 10_000}, 11, ${T0 + 50_000}),
      ('sign-ip:both-passed', 3, ${T0 - 10_000}, 3, ${T0 - 20_000})`);

    expect(await deleteExpiredRows({ db, now: T0 })).toEqual({ tokens: 0, rateLimits: 1, maintenanceRuns: 0 });
    expect(db.$client.prepare("select key from rate_limits").all()).toEqual([{ key: "sign-ip:burst-open" }]);
  });
});
