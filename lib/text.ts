// Characters that have no place in a name or a city: C0/C1 controls, bidi
// embeddings/overrides/isolates (the "RTL trick" that reverses what follows),
// zero-width spaces, BOM, and the line/paragraph separators. ZWJ and ZWNJ
// (U+200C/U+200D) stay: some scripts need them to spell names.
const INVISIBLE_OR_CONTROL = /[\u0000-\u001F\u007F-\u009F\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * Cleans free text typed by a person: Unicode NFC, invisible and control
 * characters removed, runs of whitespace collapsed, ends trimmed.
 */
export function cleanText(value: string): string {
  return value.normalize("NFC").replace(INVISIBLE_OR_CONTROL, " ").replace(/\s+/gu, " ").trim();
}

/** Length as a person counts it (code points, not UTF-16 units). */
export function textLength(value: string): number {
  let length = 0;
  for (const _ of value) length += 1;
  return length;
}
