import { fc, test as propertyTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { COUNTRY_CODES } from "@/lib/countries";
import { parseSignLetter, SignLetterSchema } from "@/lib/schemas/sign-letter";
import { COMPILED_SIGN_LETTER_SCHEMA } from "./compiled-sign-schema";

// The server checks signatures with the compiled copy of the form's schema:
// it must answer exactly as the schema the browser runs (decision 0002).

const signLike = fc.record(
  {
    name: fc.oneof(fc.string({ unit: "grapheme", maxLength: 150 }), fc.string({ unit: "binary", maxLength: 150 }), fc.constant("Anna t.me/x"), fc.anything()),
    email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 300 }), fc.anything()),
    country: fc.oneof(fc.constantFrom(...COUNTRY_CODES), fc.string({ maxLength: 3 })),
    city: fc.option(fc.oneof(fc.string({ unit: "binary", maxLength: 120 }), fc.anything()), { nil: undefined }),
    acceptPrivacy: fc.oneof(fc.constant("on"), fc.boolean(), fc.anything()),
    isPublicName: fc.oneof(fc.constant("on"), fc.boolean(), fc.anything()),
    wantsUpdates: fc.oneof(fc.constant("true"), fc.boolean(), fc.anything()),
    locale: fc.oneof(fc.constantFrom("en", "ru", "uk", "fr"), fc.anything()),
    ref: fc.oneof(fc.constant("abcdefghij"), fc.anything()),
    utm_source: fc.anything(),
    website: fc.oneof(fc.constant(""), fc.string()),
    fillMs: fc.oneof(fc.nat(), fc.string({ maxLength: 14 }), fc.anything()),
    altcha: fc.oneof(fc.string({ maxLength: 2100 }), fc.anything()),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

describe("the compiled sign schema", () => {
  it("is zod's compiled object parser, over the form schema's own shape", () => {
    expect(COMPILED_SIGN_LETTER_SCHEMA._zod.traits.has("$ZodObjectJIT")).toBe(true);
    expect(COMPILED_SIGN_LETTER_SCHEMA._zod.def.shape).toBe(SignLetterSchema._zod.def.shape);
  });

  propertyTest.prop([fc.oneof(signLike, fc.anything())], { numRuns: 4000 })("answers every input exactly as the form's schema", (input) => {
    expect(parseSignLetter(input, COMPILED_SIGN_LETTER_SCHEMA)).toStrictEqual(parseSignLetter(input));
  });
});
