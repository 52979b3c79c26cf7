import { getTranslations } from "next-intl/server";
import { SharePanel } from "@/components/share/SharePanel";
import { SiteHeader } from "@/components/site/SiteHeader";
import { LOCALE_NAMES } from "@/lib/i18n/locales";
import { localePageMetadata, openLocalePage, type LocaleParams } from "@/lib/i18n/locale-page";
import { getCampaign } from "@/server/content/get-campaign";
import { EMBED_FRAME, getShareToolkit } from "@/server/sharing/share-toolkit";

// Rendered per request: the link, the QR code's text alternative and the
// embed code carry APP_URL as the server was started with (decision 0009).
// It reads no data; every image and frame on it is fetched and cached on its own.
export const dynamic = "force-dynamic";

export const generateMetadata = localePageMetadata("Share", { titleKey: "page.title" });

/** `/{locale}/share`: the public sharing toolkit, for everyone, signed or not (decision 0020). Works without JavaScript. */
export default async function SharePage({ params }: { params: LocaleParams }) {
  const locale = await openLocalePage(params);
  const t = await getTranslations("Share");
  const toolkit = getShareToolkit({ locale, embedTitle: t("page.embedTitle") });
  const title = getCampaign(locale).title;

  return (
    <>
      <SiteHeader path="/share" />
      <main id="main" className="narrow share-page">
        <h1>{t("page.title")}</h1>
        <p className="lede">{t("page.intro")}</p>

        <SharePanel url={toolkit.campaignUrl} heading={t("page.linkHeading")} linkLabel={t("page.linkLabel")} text={t("page.shareText")} />

        <section aria-labelledby="qr-heading">
          <h2 id="qr-heading">{t("page.qrHeading")}</h2>
          <p>{t("page.qrIntro")}</p>
          {/* The route's own bytes, not an optimised copy: what is shown is what is downloaded and scanned. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img className="share-qr" src={toolkit.qrSvgPath} alt={t("page.qrAlt", { url: toolkit.campaignUrl })} width={240} height={240} />
          <ul className="share-downloads">
            <li>
              <a href={toolkit.qrPngPath} download={`qr-${locale}.png`} type="image/png">
                {t("page.qrPng")}
              </a>
            </li>
            <li>
              <a href={toolkit.qrSvgPath} download={`qr-${locale}.svg`} type="image/svg+xml">
                {t("page.qrSvg")}
              </a>
            </li>
          </ul>
        </section>

        <section aria-labelledby="poster-heading">
          <h2 id="poster-heading">{t("page.posterHeading")}</h2>
          <p>{t("page.posterIntro")}</p>
          <ul className="share-downloads">
            {toolkit.posters.map((poster) => (
              <li key={poster.locale}>
                <a href={poster.path} hrefLang={poster.locale} type="application/pdf">
                  {t("page.posterLink")} <span lang={poster.locale}>{LOCALE_NAMES[poster.locale]}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="embed-heading">
          <h2 id="embed-heading">{t("page.embedHeading")}</h2>
          <p>{t("page.embedIntro")}</p>
          <p>
            <label htmlFor="embed-code">{t("page.embedCode")}</label>
            <textarea id="embed-code" className="share-code" readOnly rows={4} value={toolkit.embedCode} spellCheck={false} />
          </p>
          <h3>{t("page.embedPreview")}</h3>
          <iframe
            className="share-embed-preview"
            src={toolkit.embedPreviewPath}
            title={t("page.embedTitle")}
            width={EMBED_FRAME.width}
            height={EMBED_FRAME.height}
          />
        </section>

        <section aria-labelledby="preview-heading">
          <h2 id="preview-heading">{t("page.previewHeading")}</h2>
          <p>{t("page.previewIntro")}</p>
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img
            className="share-preview-image"
            src={toolkit.previewImagePath}
            alt={t("imageAlt", { title })}
            width={600}
            height={315}
            loading="lazy"
          />
          <p>
            <a href={toolkit.previewImagePath} download={`preview-${locale}.png`} type="image/png">
              {t("page.previewDownload")}
            </a>
          </p>
        </section>
      </main>
    </>
  );
}
