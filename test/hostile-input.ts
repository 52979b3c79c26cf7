import { fc } from "@fast-check/vitest";

// The hostile input the property tests throw at the sign path, through the
// API (app/api/v1/signatures/hostile-input.test.ts) and through the form
// action (app/[locale]/sign-letter-action.test.ts): both entry points meet
// the same attacks.

/** The fields a sign form or body may name in a per-field error. */
export const SIGN_FORM_FIELDS: ReadonlySet<string> = new Set(["name", "email", "country", "city", "isPublicName", "wantsUpdates", "acceptPrivacy", "locale"]);

/** The characters lib/text.ts cleanText removes: none may reach a stored name or city. */
export const CONTROL_OR_BIDI = /[\u0000-\u001F\u007F-\u009F\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

const PAYLOADS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "<svg onload=alert(1)>",
  "javascript:alert(1)",
  "{{constructor.constructor('alert(1)')()}}",
  "</title><script>alert(1)</script>",
  "Robert'); DROP TABLE signatures;--",
  "' OR '1'='1",
  "1; SELECT * FROM organizers",
  "\u202EevilName\u2066",
  "Ann\u200Ba\uFEFF",
  "Ann\u200B\u200Ba\uFEFF",
  "\u0000\u0001\u001F\u007F",
  "\uD800",
  "\uDFFFlone",
  "=cmd|' /C calc'!A0",
  "%00%0d%0a",
  "${7*7}",
  "Анна <b>Іванова</b>",
  // What a checkbox sends, where text is expected.
  "on",
  "true",
  "",
];
const NASTY_CHARS = ["<", ">", '"', "'", "&", "\u0000", "\u0007", "\u001B", "\u202E", "\u2066", "\u200B", "\uD800", "\uDC00", "a", "Я", "é", " "];

/** Known attacks, random and nasty characters, and strings up to 100 KB. */
export const hostileString = fc.oneof(
  fc.constantFrom(...PAYLOADS),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...NASTY_CHARS), maxLength: 60 }),
  fc.tuple(fc.constantFrom(...PAYLOADS), fc.constantFrom(...PAYLOADS)).map(([a, b]) => `Anna ${a} ${b}`),
  // Up to 100 KB, built by repeat so it costs nothing to generate.
  fc.tuple(fc.constantFrom("A", "<", "\u202E", "é", "\u0000"), fc.integer({ min: 0, max: 100_000 })).map(([c, n]) => c.repeat(n)),
);
