import { fc, test as propertyTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { LOCALES } from "../i18n/locales";
import { parsePressKitRequest, PRESS_KIT_FILES } from "./press-kit";

const parse = (file: string, query = "") => parsePressKitRequest({ file, searchParams: new URLSearchParams(query) });

describe("parsePressKitRequest", () => {
  it.each([
    ["countries.png", "", { file: "countries.png", locale: "en" }],
    ["stats.json", "locale=ru", { file: "stats.json", locale: "ru" }],
    ["signatures-over-time.svg", "locale=uk&x=1", { file: "signatures-over-time.svg", locale: "uk" }],
    ["countries.svg", "locale=", { file: "countries.svg", locale: "en" }],
    ["countries.svg", "locale=%20ru%20", { file: "countries.svg", locale: "ru" }],
    ["countries.svg", "locale=ru&locale=de", { file: "countries.svg", locale: "ru" }],
  ])("%s?%s is %j", (file, query, data) => {
    expect(parse(file, query)).toEqual({ success: true, data });
  });

  it.each([
    ["signatures.csv", ""],
    ["countries.PNG", ""],
    ["../stats.json", ""],
    ["", "locale=de"],
  ])("refuses the file %j", (file, query) => {
    expect(parse(file, query)).toEqual({ success: false, error: "fileUnknown" });
  });

  it.each(["de", "EN", "en-GB", "ru_RU"])("refuses the locale %j", (locale) => {
    expect(parse("stats.json", `locale=${encodeURIComponent(locale)}`)).toEqual({ success: false, error: "localeInvalid" });
  });

  propertyTest.prop([fc.constantFrom(...PRESS_KIT_FILES), fc.string()])("answers a published locale or localeInvalid, never throws", (file, locale) => {
    const result = parsePressKitRequest({ file, searchParams: new URLSearchParams({ locale }) });
    const wanted = locale.trim();
    if (wanted === "") expect(result).toEqual({ success: true, data: { file, locale: "en" } });
    else if ((LOCALES as readonly string[]).includes(wanted)) expect(result).toEqual({ success: true, data: { file, locale: wanted } });
    else expect(result).toEqual({ success: false, error: "localeInvalid" });
  });
});
