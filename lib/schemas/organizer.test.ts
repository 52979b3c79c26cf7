import { describe, expect, it } from "vitest";
import { DigestPreferenceFormSchema } from "./organizer";

describe("the account page's daily digest form", () => {
  it.each([
    [{ enabled: "on", locale: "ru" }, { enabled: "on", locale: "ru" }],
    [{ locale: "uk" }, { locale: "uk" }],
    [{ enabled: "yes", locale: "en" }, null],
    [{ enabled: "on", locale: "de" }, null],
    [{ enabled: "on" }, null],
  ])("reads %j as %j", (input, expected) => {
    const parsed = DigestPreferenceFormSchema.safeParse(input);
    expect(parsed.success ? parsed.data : null).toEqual(expected);
  });
});
