import { fc, test as propertyTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { EXPORT_FILTER_ERROR_CODES, parseSignatureExportFilter } from "./export";
import { isDayString } from "./query-string";
import { forbidRealClock } from "@/test/clock";

describe("parseSignatureExportFilter", () => {
  forbidRealClock();
  it("exports verified signatures when nothing is asked", () => {
    expect(parseSignatureExportFilter(new URLSearchParams(""))).toEqual({ success: true, data: { status: "verified" } });
  });

  it("reads every filter from a query string and ignores unknown parameters", () => {
    const params = new URLSearchParams("status=pending&country=UA&from=2026-03-01&to=2026-03-07&utm_source=x&limit=5");
    expect(parseSignatureExportFilter(params)).toEqual({
      success: true,
      data: { status: "pending", country: "UA", from: "2026-03-01", to: "2026-03-07" },
    });
  });

  it.each([
    ["status=&country=&from=&to=", { status: "verified" }],
    ["country=de", { status: "verified", country: "DE" }],
    ["from=2026-03-01&to=2026-03-01", { status: "verified", from: "2026-03-01", to: "2026-03-01" }],
    ["to=2024-02-29", { status: "verified", to: "2024-02-29" }],
    ["status=withdrawn&status=verified", { status: "withdrawn" }],
  ])("accepts %s", (query, data) => {
    expect(parseSignatureExportFilter(new URLSearchParams(query))).toEqual({ success: true, data });
  });

  it.each([
    ["status=deleted", { status: "statusInvalid" }],
    ["status=VERIFIED", { status: "statusInvalid" }],
    ["country=ZZ", { country: "countryInvalid" }],
    ["country=Germany", { country: "countryInvalid" }],
    ["from=yesterday", { from: "dateInvalid" }],
    ["from=2026-02-30", { from: "dateInvalid" }],
    ["to=2025-02-29", { to: "dateInvalid" }],
    ["to=2026-3-7", { to: "dateInvalid" }],
    ["from=2026-03-07T00:00:00Z", { from: "dateInvalid" }],
    ["from=2026-03-08&to=2026-03-07", { to: "rangeInvalid" }],
    ["status=x&country=ZZ&from=2026-13-01", { status: "statusInvalid", country: "countryInvalid", from: "dateInvalid" }],
  ])("rejects %s with %j", (query, errors) => {
    expect(parseSignatureExportFilter(new URLSearchParams(query))).toEqual({ success: false, errors });
  });

  it("takes a plain record too (Next's searchParams), using a repeated parameter's first value", () => {
    expect(parseSignatureExportFilter({ status: ["invalidated", "verified"], country: "PL" })).toEqual({
      success: true,
      data: { status: "invalidated", country: "PL" },
    });
    expect(parseSignatureExportFilter({ country: 42 })).toEqual({ success: false, errors: { country: "invalid" } });
  });

  propertyTest.prop([fc.dictionary(fc.constantFrom("status", "country", "from", "to", "other"), fc.string({ maxLength: 20 }))], {
    numRuns: 1000,
  })("never throws and answers only known codes, whatever the query", (record) => {
    const result = parseSignatureExportFilter(new URLSearchParams(record));
    if (!result.success) {
      for (const code of Object.values(result.errors)) expect(EXPORT_FILTER_ERROR_CODES).toContain(code);
    }
  });

  propertyTest.prop([fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true })])(
    "accepts every real day",
    (date) => {
      expect(isDayString(date.toISOString().slice(0, 10))).toBe(true);
    },
  );
});
