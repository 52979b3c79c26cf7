import { fc, test as propertyTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { CONTROL_OR_BIDI } from "@/test/hostile-input";
import { COUNTRY_CODES } from "../countries";
import { looksLikeLink } from "../link-like-text";
import { NAME_MAX_LENGTH, parseSignLetter, SIGN_ERROR_CODES } from "./sign-letter";

const valid = { name: "Anna Petrova", email: "anna@example.org", country: "DE", acceptPrivacy: "on" };

describe("parseSignLetter", () => {
  it("accepts a complete form and fills the defaults", () => {
    const result = parseSignLetter(valid);
    expect(result).toEqual({
      success: true,
      data: { name: "Anna Petrova", email: "anna@example.org", country: "DE", isPublicName: false, wantsUpdates: false, acceptPrivacy: true },
    });
  });

  it("accepts the JSON shape too", () => {
    const result = parseSignLetter({ ...valid, acceptPrivacy: true, isPublicName: true, wantsUpdates: true, city: " Berlin ", locale: "ru" });
    expect(result.success && result.data).toMatchObject({ isPublicName: true, wantsUpdates: true, city: "Berlin", locale: "ru" });
  });

  it.each([
    [{ ...valid, name: "" }, { name: "nameRequired" }],
    [{ ...valid, name: "   \u202E " }, { name: "nameRequired" }],
    [{ ...valid, name: "12345" }, { name: "nameInvalid" }],
    [{ ...valid, name: "x".repeat(NAME_MAX_LENGTH + 1) }, { name: "nameTooLong" }],
    // The name goes into an email sent to any address typed: no link may ride in it (decision 0017).
    [{ ...valid, name: "Anna, log in at evil.example" }, { name: "nameHasLink" }],
    [{ ...valid, name: "Anna https://evil" }, { name: "nameHasLink" }],
    [{ ...valid, name: "anna@evil" }, { name: "nameHasLink" }],
    [{ ...valid, name: "Anna t.me/evil" }, { name: "nameHasLink" }],
    [{ ...valid, email: "" }, { email: "emailRequired" }],
    [{ ...valid, email: "not-an-email" }, { email: "emailInvalid" }],
    [{ ...valid, email: `${"a".repeat(300)}@example.org` }, { email: "emailInvalid" }],
    [{ ...valid, country: "" }, { country: "countryRequired" }],
    [{ ...valid, country: "ZZ" }, { country: "countryRequired" }],
    [{ ...valid, country: "de" }, { country: "countryRequired" }],
    [{ ...valid, city: "x".repeat(86) }, { city: "cityTooLong" }],
    [{ ...valid, acceptPrivacy: undefined }, { acceptPrivacy: "privacyRequired" }],
    [{ ...valid, acceptPrivacy: false }, { acceptPrivacy: "privacyRequired" }],
    [{ ...valid, locale: "fr" }, { locale: "invalid" }],
    [{ ...valid, name: 42 }, { name: "invalid" }],
    [{ ...valid, isPublicName: "yes please" }, { isPublicName: "invalid" }],
  ])("rejects %j with %j", (input, errors) => {
    expect(parseSignLetter(input)).toEqual({ success: false, errors });
  });

  it.each(["А.С.Пушкин", "J.R.R. Tolkien", "Dr.Watson"])("takes initials and titles without a space (%j) as a name", (name) => {
    expect(parseSignLetter({ ...valid, name }).success).toBe(true);
  });

  it("reports every wrong field at once", () => {
    const result = parseSignLetter({});
    expect(result.success).toBe(false);
    expect(!result.success && Object.keys(result.errors).sort()).toEqual(["acceptPrivacy", "country", "email", "name"]);
  });

  it.each([null, undefined, "string", 42, [], [valid]])("rejects a non-object body %j without throwing", (input) => {
    expect(parseSignLetter(input).success).toBe(false);
  });

  it("cleans names: markup stays text, controls and bidi overrides go", () => {
    const result = parseSignLetter({ ...valid, name: " <b>Anna</b>\u202E\u0000 Petrova " });
    expect(result.success && result.data.name).toBe("<b>Anna</b> Petrova");
  });
});

describe("parseSignLetter properties", () => {
  propertyTest.prop([fc.anything()], { numRuns: 2000 })("never throws, whatever it is given", (input) => {
    const result = parseSignLetter(input);
    expect(typeof result.success).toBe("boolean");
  });

  propertyTest.prop(
    [
      fc.record(
        {
          name: fc.oneof(fc.string({ unit: "grapheme", maxLength: 150 }), fc.string({ unit: "binary", maxLength: 150 }), fc.anything()),
          email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 300 })),
          country: fc.oneof(fc.constantFrom(...COUNTRY_CODES), fc.string({ maxLength: 3 })),
          city: fc.option(fc.string({ unit: "binary", maxLength: 120 }), { nil: undefined }),
          acceptPrivacy: fc.oneof(fc.constant("on"), fc.boolean(), fc.anything()),
          isPublicName: fc.oneof(fc.constant("on"), fc.boolean()),
        },
        { requiredKeys: [] },
      ),
    ],
    { numRuns: 3000 },
  )("accepted data is clean and bounded; rejections name known fields and codes", (input) => {
    const result = parseSignLetter(input);
    if (result.success) {
      const { name, city, email } = result.data;
      expect(CONTROL_OR_BIDI.test(name)).toBe(false);
      expect([...name].length).toBeLessThanOrEqual(NAME_MAX_LENGTH);
      expect(/\p{L}/u.test(name)).toBe(true);
      expect(name).toBe(name.trim());
      expect(looksLikeLink(name)).toBe(false);
      if (city !== undefined) expect(CONTROL_OR_BIDI.test(city)).toBe(false);
      expect(email.length).toBeLessThanOrEqual(254);
      expect(result.data.acceptPrivacy).toBe(true);
    } else {
      for (const [field, code] of Object.entries(result.errors)) {
        expect(["name", "email", "country", "city", "isPublicName", "wantsUpdates", "acceptPrivacy", "locale"]).toContain(field);
        expect(SIGN_ERROR_CODES).toContain(code);
      }
      expect(Object.keys(result.errors).length).toBeGreaterThan(0);
    }
  });

  propertyTest.prop(
    [
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }).filter((s) => /\p{L}/u.test(s) && !looksLikeLink(s)),
      fc.constantFrom(...COUNTRY_CODES),
      fc.emailAddress(),
    ],
    { numRuns: 1000 },
  )("well-formed people sign", (name, country, email) => {
    const result = parseSignLetter({ name, country, email, acceptPrivacy: "on" });
    // fast-check's emailAddress allows RFC forms (quoted parts, single-label domains) we reject on purpose.
    if (!result.success) expect(Object.keys(result.errors)).toEqual(["email"]);
  });
});
