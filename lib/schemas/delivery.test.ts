import { fc, test as propertyTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { DELIVERY_QUERY_ERROR_CODES, parseDeliveryQuery, parseManifestQuery } from "./delivery";
import { forbidRealClock } from "@/test/clock";

describe("parseDeliveryQuery", () => {
  forbidRealClock();
  it.each([
    ["", { locale: "en" }],
    ["country=&locale=", { locale: "en" }],
    ["country=de", { country: "DE", locale: "en" }],
    ["country=%20Ua%20&locale=RU", { country: "UA", locale: "ru" }],
    ["locale=uk&utm_source=x", { locale: "uk" }],
    ["country=PL&country=DE", { country: "PL", locale: "en" }],
  ])("accepts %s", (query, data) => {
    expect(parseDeliveryQuery(new URLSearchParams(query))).toEqual({ success: true, data });
  });

  it.each([
    ["country=ZZ", { country: "countryInvalid" }],
    ["country=Germany", { country: "countryInvalid" }],
    ["country=all", { country: "countryInvalid" }],
    ["locale=de", { locale: "localeInvalid" }],
    ["locale=en-GB", { locale: "localeInvalid" }],
    ["country=D1&locale=fr", { country: "countryInvalid", locale: "localeInvalid" }],
  ])("rejects %s with %j", (query, errors) => {
    expect(parseDeliveryQuery(new URLSearchParams(query))).toEqual({ success: false, errors });
  });

  it("takes a plain record too, using a repeated parameter's first value", () => {
    expect(parseDeliveryQuery({ country: ["fr", "de"], locale: "uk" })).toEqual({ success: true, data: { country: "FR", locale: "uk" } });
    expect(parseDeliveryQuery({ locale: 7 })).toEqual({ success: false, errors: { locale: "invalid" } });
  });

  propertyTest.prop([fc.dictionary(fc.constantFrom("country", "locale", "other"), fc.string({ maxLength: 12 }))], { numRuns: 500 })(
    "never throws and answers only known codes, whatever the query",
    (record) => {
      const result = parseDeliveryQuery(new URLSearchParams(record));
      if (!result.success) for (const code of Object.values(result.errors)) expect(DELIVERY_QUERY_ERROR_CODES).toContain(code);
    },
  );
});

describe("parseManifestQuery", () => {
  it.each([
    ["", {}],
    ["since=", {}],
    ["since=2026-11-21", { since: Date.parse("2026-11-21T00:00:00Z") }],
    ["since=2026-11-21T15:30:00Z", { since: Date.parse("2026-11-21T15:30:00Z") }],
    ["since=2026-11-21T15:30:00.250%2B03:00", { since: Date.parse("2026-11-21T12:30:00.250Z") }],
    ["since=2026-11-21T15:30Z", { since: Date.parse("2026-11-21T15:30:00Z") }],
  ])("accepts %s", (query, data) => {
    expect(parseManifestQuery(new URLSearchParams(query))).toEqual({ success: true, data });
  });

  it.each(["since=yesterday", "since=2026-02-30", "since=2026-11-21T15:30:00", "since=1795276800000", "since=2026-11-21T25:00:00Z"])(
    "rejects %s (a day or an instant with its zone only)",
    (query) => {
      expect(parseManifestQuery(new URLSearchParams(query))).toEqual({ success: false, errors: { since: "sinceInvalid" } });
    },
  );
});
