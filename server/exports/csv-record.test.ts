import { fc, test } from "@fast-check/vitest";
import { stringify } from "csv-stringify/sync";
import { describe, expect } from "vitest";
import { formatCsvRecord } from "./csv-record";

// quote_record_delimiter: csv-stringify by default leaves a lone CR or LF in a
// field unquoted (it looks only for the whole CRLF), which a spreadsheet reads as
// a line break; this export quotes both, as RFC 4180 asks.
const CSV_STRINGIFY_OPTIONS = { escape_formulas: true, record_delimiter: "windows", quote_record_delimiter: true } as const;

// Strings rich in the characters that matter: separators, quotes, line ends, formula starts.
const hostileField = fc.string({
  unit: fc.oneof(
    fc.constantFrom(",", '"', "\r", "\n", "=", "+", "-", "@", "\t", "'", " ", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20", "а", "я"),
    fc.string({ minLength: 1, maxLength: 1, unit: "grapheme" }),
  ),
  maxLength: 12,
});

describe("formatCsvRecord", () => {
  test.prop([fc.array(hostileField, { minLength: 1, maxLength: 6 })], { numRuns: 2000 })(
    "writes exactly what csv-stringify writes with formula escaping, CRLF and quoted line breaks",
    (fields) => {
      expect(formatCsvRecord(fields)).toBe(stringify([fields], CSV_STRINGIFY_OPTIONS));
    },
  );

  test("quotes and neutralises a formula that also carries a comma", () => {
    expect(formatCsvRecord(['=HYPERLINK("http://x","y")', "a@b.test"])).toBe(`"'=HYPERLINK(""http://x"",""y"")",a@b.test\r\n`);
  });
});
