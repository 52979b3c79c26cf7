import { fc, test as propertyTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  byteLength,
  parseUpdateForm,
  UPDATE_BODY_MAX_BYTES,
  UPDATE_FORM_MAX_BYTES,
  updateFormInput,
} from "./update";

const news = (texts: Record<string, { title?: string; body?: string }>, extra: Record<string, unknown> = {}) => ({ kind: "news", texts, ...extra });

describe("parseUpdateForm", () => {
  it("accepts news in two languages, cleans titles and keeps the Markdown's lines", () => {
    const result = parseUpdateForm(news({ en: { title: "  The letter\u200B reached Strasbourg ", body: "Line one\r\nline two\r\n\r\n- a\r\n" }, ru: { title: "Письмо", body: "Текст" }, uk: { title: "", body: "  " } }));
    expect(result).toEqual({
      success: true,
      data: {
        kind: "news",
        institution: null,
        eventOn: null,
        authorId: null,
        authorChange: null,
        texts: { en: { title: "The letter reached Strasbourg", body: "Line one\nline two\n\n- a" }, ru: { title: "Письмо", body: "Текст" } },
      },
    });
  });

  it.each([
    ["no language at all", news({ en: { title: " ", body: "" } }), { form: "textRequired" }],
    ["a title without a body", news({ ru: { title: "Заголовок" } }), { "body.ru": "bodyRequired" }],
    ["a body without a title", news({ uk: { body: "Текст" } }), { "title.uk": "titleRequired" }],
    ["an unknown kind", { kind: "rumour", texts: { en: { title: "T", body: "B" } } }, { kind: "kindInvalid" }],
    ["a delivery with no institution or date", { kind: "delivery", texts: { en: { title: "T", body: "B" } } }, { institution: "institutionRequired", eventOn: "dateRequired" }],
    ["a hearing on no real day", { kind: "hearing", eventOn: "2026-02-30", texts: { en: { title: "T", body: "B" } } }, { eventOn: "dateInvalid" }],
    ["an author change without the author or the change", { kind: "authorChange", eventOn: "2026-01-05", authorId: "", authorChange: "freed", texts: { en: { title: "T", body: "B" } } }, { authorId: "authorRequired", authorChange: "authorChangeRequired" }],
    ["a title too long", news({ en: { title: "x".repeat(201), body: "B" } }), { "title.en": "titleTooLong" }],
    ["not an object", "kind=news", { form: "invalid" }],
    ["texts of the wrong shape", { kind: "news", texts: { en: "Title and body" } }, { form: "invalid" }],
  ])("refuses %s", (_name, input, errors) => {
    expect(parseUpdateForm(input)).toEqual({ success: false, errors });
  });

  it("refuses a body over 100 KB, counted in UTF-8 bytes, in the language it is in", () => {
    const cyrillicAtLimit = "я".repeat(UPDATE_BODY_MAX_BYTES / 2);
    expect(byteLength(cyrillicAtLimit)).toBe(UPDATE_BODY_MAX_BYTES);
    expect(parseUpdateForm(news({ ru: { title: "Т", body: cyrillicAtLimit } })).success).toBe(true);
    expect(parseUpdateForm(news({ en: { title: "T", body: "ok" }, ru: { title: "Т", body: `${cyrillicAtLimit}я` } }))).toEqual({
      success: false,
      errors: { "body.ru": "bodyTooLarge" },
    });
  });

  it("drops the details another kind would use", () => {
    const result = parseUpdateForm({ kind: "hearing", eventOn: "2026-03-01", institution: "Moscow City Court", authorId: "azat-miftakhov", authorChange: "released", texts: { en: { title: "T", body: "B" } } });
    expect(result.success && result.data).toMatchObject({ institution: "Moscow City Court", eventOn: "2026-03-01", authorId: null, authorChange: null });
  });

  it("reads the form's fields by their names", () => {
    const form = new FormData();
    for (const [name, value] of Object.entries({ kind: "authorChange", authorId: "azat-miftakhov", authorChange: "released", eventOn: "2026-01-05", "title.en": "Freed", "body.en": "He is out." })) form.set(name, value);
    expect(parseUpdateForm(updateFormInput((name) => form.get(name)))).toMatchObject({ success: true, data: { kind: "authorChange", authorId: "azat-miftakhov", texts: { en: { title: "Freed" } } } });
  });

  it("lets a form with every language at its limit through the post size cap", () => {
    expect(UPDATE_FORM_MAX_BYTES).toBeGreaterThan(3 * UPDATE_BODY_MAX_BYTES);
  });

  propertyTest.prop([fc.anything()])("answers any input with data or error codes, never a throw", (input) => {
    const result = parseUpdateForm(input);
    expect(typeof result.success).toBe("boolean");
  });
});
