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

const FILE_NAMES = { regular: "DejaVuSans.ttf", bold: "DejaVuSans-Bold.ttf" } as const;

/**
 * The font files. pdfkit is given these paths, not their bytes: it opens
 * each file once and caches it under its path.
 */
export const SHIPPED_FONT_FILES = {
  regular: path.join(SHIPPED_FONT_DIR, FILE_NAMES.regular),
  bold: path.join(SHIPPED_FONT_DIR, FILE_NAMES.bold),
} as const;

// Written out under assets/fonts rather than through SHIPPED_FONT_FILES:
// the build's file tracing follows a path it can see is inside that
// folder, and would otherwise take in the whole project.
function readFontFile(name: (typeof FILE_NAMES)[keyof typeof FILE_NAMES]): Buffer {
  return fs.readFileSync(path.join(process.cwd(), "assets", "fonts", name));
}

/** One face of the family with its bytes, in the shape next/og's ImageResponse takes. */
export type ShippedFontFace = { name: string; data: Buffer; weight: 400 | 700; style: "normal" };

let faces: ShippedFontFace[] | undefined;

/** Both faces with their bytes, read once per process. */
export function readShippedFontFaces(): ShippedFontFace[] {
  faces ??= [
    { name: SHIPPED_FONT_FAMILY, data: readFontFile(FILE_NAMES.regular), weight: 400, style: "normal" },
    { name: SHIPPED_FONT_FAMILY, data: readFontFile(FILE_NAMES.bold), weight: 700, style: "normal" },
  ];
  return faces;
}
