/**
 * One CSV record (fields joined by commas, CRLF-terminated) written by hand
 * for the signatures export, the one CSV large enough for the formatter to
 * matter: at a million rows csv-stringify's general-purpose option handling
 * costs about as much as reading the rows from SQLite. The output is
 * byte-for-byte what csv-stringify gives with
 * `{ escape_formulas: true, record_delimiter: "windows", quote_record_delimiter: true }`
 * (a property test compares the two): formulas made inert, CRLF line ends,
 * and a field holding a quote, comma, CR or LF quoted (RFC 4180).
 */

// A field starting with one of these is a formula to Excel, LibreOffice or
// Numbers (the full-width forms are what Numbers normalises); a leading quote
// makes it inert text (OWASP "CSV injection").
const FORMULA_START = new Set(["=", "+", "-", "@", "\t", "\r", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"]);
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

export function formatCsvField(value: string): string {
  if (value === "") return "";
  const inert = FORMULA_START.has(value[0]!) ? `'${value}` : value;
  return NEEDS_QUOTES.test(inert) ? `"${inert.replace(QUOTE, '""')}"` : inert;
}

export function formatCsvRecord(fields: readonly string[]): string {
  let record = "";
  for (let index = 0; index < fields.length; index += 1) {
    if (index > 0) record += ",";
    record += formatCsvField(fields[index]!);
  }
  return `${record}\r\n`;
}
