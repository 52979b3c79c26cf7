import "server-only";
import { LOCALES, type Locale } from "@/lib/i18n/locales";
import { getConfig } from "@/server/config";
import { getCampaignUrl, QR_PNG_SIZE } from "./campaign-qr";

/** The counter's frame on a partner's page: the size its layout is made for (app/embed). */
export const EMBED_FRAME = { width: 360, height: 240 } as const;

/** The print size offered for download: enough for an A3 poster at 300 dpi. */
const QR_DOWNLOAD_PNG_SIZE = QR_PNG_SIZE.max;

export type ShareToolkit = {
  /** The letter page under APP_URL: what every tool below points at. */
  campaignUrl: string;
  /** Same-origin paths, for the page to show and link (they work whatever host the page was reached by). */
  qrSvgPath: string;
  qrPngPath: string;
  previewImagePath: string;
  embedPreviewPath: string;
  posters: { locale: Locale; path: string }[];
  /** HTML a partner pastes into their page: an iframe of the counter under APP_URL. */
  embedCode: string;
};

function escapeAttribute(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** The `<iframe>` a partner site pastes to show the live count in `locale` (README, "Embedding the counter"). */
export function buildEmbedCode(options: { appUrl: string; locale: Locale; title: string }): string {
  const src = `${options.appUrl}/embed/counter?locale=${options.locale}`;
  return (
    `<iframe src="${escapeAttribute(src)}" title="${escapeAttribute(options.title)}" ` +
    `width="${EMBED_FRAME.width}" height="${EMBED_FRAME.height}" style="border:0; max-width:100%" loading="lazy"></iframe>`
  );
}

/**
 * Everything the public share page (`/{locale}/share`) offers: the link,
 * the QR code, a poster per language, the counter's embed code and the
 * link-preview image (decision 0020). Anyone may call it: it is all public.
 * `embedTitle` is the frame's accessible name, in `locale`.
 */
export function getShareToolkit(options: { locale: Locale; embedTitle: string; appUrl?: string }): ShareToolkit {
  const { locale } = options;
  const appUrl = options.appUrl ?? getConfig().appUrl;
  return {
    campaignUrl: getCampaignUrl(locale, { appUrl }),
    qrSvgPath: `/${locale}/share/qr.svg`,
    qrPngPath: `/${locale}/share/qr.png?size=${QR_DOWNLOAD_PNG_SIZE}`,
    previewImagePath: `/${locale}/og.png`,
    embedPreviewPath: `/embed/counter?locale=${locale}`,
    posters: LOCALES.map((poster) => ({ locale: poster, path: `/${poster}/share/poster.pdf` })),
    embedCode: buildEmbedCode({ appUrl, locale, title: options.embedTitle }),
  };
}
