import "server-only";
import fs from "node:fs";
import path from "node:path";

// The one typeface of everything the server draws (the delivery PDF, the
// poster, the link-preview image, the press kit's PNGs): DejaVu Sans,
// regular and bold, shipped in assets/fonts so that nothing depends on the
// machine's fonts or fetches one. It covers Latin and Cyrillic; pdfkit's
// built-in Helvetica has no Cyrillic, and next/og fetches a font from Google
// for any glyph the fonts it is given lack (decision 0009).

/** The folder the font files ship in (next.config.js traces assets/ into the build). */
export const SHIPPED_FONT_DIR = path.join(process.cwd(), "assets", "fonts");

/** The family name both files declare. */
export const SHIPPED_FONT_FAMILY = "DejaVu Sans";

/**
 * The font files. pdfkit is given these paths, not their bytes: it opens
 * each file once and caches it under its path.
 */
export const SHIPPED_FONT_FILES = {
  regular: path.join(SHIPPED_FONT_DIR, "DejaVuSans.ttf"),
  bold: path.join(SHIPPED_FONT_DIR, "DejaVuSans-Bold.ttf"),
} as const;

/** One face of the family with its bytes, in the shape next/og's ImageResponse takes. */
export type ShippedFontFace = { name: string; data: Buffer; weight: 400 | 700; style: "normal" };

let faces: ShippedFontFace[] | undefined;

/** Both faces with their bytes, read once per process. */
export function readShippedFontFaces(): ShippedFontFace[] {
  faces ??= [
    { name: SHIPPED_FONT_FAMILY, data: fs.readFileSync(SHIPPED_FONT_FILES.regular), weight: 400, style: "normal" },
    { name: SHIPPED_FONT_FAMILY, data: fs.readFileSync(SHIPPED_FONT_FILES.bold), weight: 700, style: "normal" },
  ];
  return faces;
}
