import "server-only";
import QRCode from "qrcode";
import type { Locale } from "@/lib/i18n/locales";
import { getConfig } from "@/server/config";

// The campaign link and its QR code, for posters, slides and partner sites
// (decision 0009). Everything here is public.

/** Medium error correction (15 %): survives a crease or a smudge on a poster; margin 2 modules. */
const QR_OPTIONS = { errorCorrectionLevel: "M", margin: 2 } as const;

/** Pixel sizes the PNG may be asked for (`?size=`), and the size when none is asked. */
export const QR_PNG_SIZE = { min: 128, max: 2048, default: 512 } as const;

/**
 * The link every share surface points at: the letter page in `locale`,
 * under the public base URL read at start (never the build machine's).
 */
export function getCampaignUrl(locale: Locale, options: { appUrl?: string } = {}): string {
  return `${options.appUrl ?? getConfig().appUrl}/${locale}`;
}

/** The link as people type it from a poster: without `https://` ("example.org/ru"). */
export function formatShortLink(url: string): string {
  return url.replace(/^https?:\/\//i, "");
}

/**
 * The PNG size for a `?size=` value: an integer clamped to 128..2048; the
 * default when absent or not a number.
 */
export function parseQrPngSize(raw: string | null | undefined): number {
  if (raw === null || raw === undefined || raw.trim() === "") return QR_PNG_SIZE.default;
  const value = Number(raw);
  if (!Number.isFinite(value)) return QR_PNG_SIZE.default;
  return Math.min(QR_PNG_SIZE.max, Math.max(QR_PNG_SIZE.min, Math.round(value)));
}

/**
 * The QR symbol's modules for `url` (no quiet zone): `size` × `size`,
 * `isDark(row, column)`. The poster draws them as vector squares.
 */
export function getQrModules(url: string): { size: number; isDark: (row: number, column: number) => boolean } {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel });
  return { size: modules.size, isDark: (row, column) => Boolean(modules.get(row, column)) };
}

/** The campaign link's QR code as SVG (black on white, scalable). Anyone may call it. */
export function renderCampaignQrSvg(locale: Locale, options: { appUrl?: string } = {}): Promise<string> {
  return QRCode.toString(getCampaignUrl(locale, options), { ...QR_OPTIONS, type: "svg" });
}

/**
 * Rendered PNGs by link and size. Few are asked for in practice (the
 * default and a print size or two); the bound keeps a client cycling
 * through sizes from growing memory.
 */
/** sharp (native) is loaded on the first PNG, not by every page that only needs the campaign link. */
async function loadSharp() {
  return (await import("sharp")).default;
}

const pngCache = new Map<string, Promise<Buffer>>();
const PNG_CACHE_ENTRIES = 24;

/**
 * The campaign link's QR code as a `size` × `size` greyscale PNG (size
 * clamped to 128..2048). Anyone may call it.
 *
 * qrcode.toBuffer draws the symbol at one pixel per module (under a
 * millisecond); sharp scales it with nearest-neighbour to the size asked.
 * Asking qrcode for 2048 px directly costs ~0.5 s of the event loop per
 * image (it fills and deflates 16 MB of RGBA in JavaScript): a public URL
 * must not make that cheap to ask for. sharp works off the event loop and
 * makes a 2048 px image in ~0.1 s.
 */
export function renderCampaignQrPng(locale: Locale, options: { size?: number; appUrl?: string } = {}): Promise<Buffer> {
  const size = parseQrPngSize(options.size === undefined ? undefined : String(options.size));
  const url = getCampaignUrl(locale, options);
  const key = `${size} ${url}`;
  const cached = pngCache.get(key);
  if (cached) {
    // Most recently used last: the oldest entry is evicted first.
    pngCache.delete(key);
    pngCache.set(key, cached);
    return cached;
  }
  const rendering = Promise.all([QRCode.toBuffer(url, { ...QR_OPTIONS, type: "png", scale: 1 }), loadSharp()]).then(([modulePng, sharp]) =>
    sharp(modulePng).removeAlpha().resize(size, size, { kernel: "nearest" }).toColourspace("b-w").png({ compressionLevel: 9 }).toBuffer(),
  );
  pngCache.set(key, rendering);
  // A failed render is not remembered.
  rendering.catch(() => pngCache.delete(key));
  while (pngCache.size > PNG_CACHE_ENTRIES) pngCache.delete(pngCache.keys().next().value!);
  return rendering;
}
