import { getTranslations } from "next-intl/server";
import { buildShareTargets } from "./share-targets";
import { ShareActions } from "./ShareActions";

/**
 * The link to share, a copy button, the native share sheet, and plain links
 * to common networks. `text` goes with the link (default: a signer's "I
 * signed it"), `linkLabel` names the field (default: "Your link to share");
 * `toolkitHref` adds a link to the page with the QR code, poster and counter.
 */
export async function SharePanel({
  url,
  heading,
  intro,
  text,
  linkLabel,
  toolkitHref,
}: {
  url: string;
  heading: string;
  intro?: string;
  text?: string;
  linkLabel?: string;
  toolkitHref?: string;
}) {
  const t = await getTranslations("Referral");
  const tShare = await getTranslations("Share");
  const shareText = text ?? t("shareText");
  return (
    <section className="share-panel" aria-labelledby="share-heading">
      <h2 id="share-heading">{heading}</h2>
      {intro ? <p>{intro}</p> : null}
      <p>
        <label htmlFor="share-url">{linkLabel ?? t("linkLabel")}</label>
        <input id="share-url" className="share-url" type="text" readOnly value={url} />
      </p>
      <ShareActions url={url} text={shareText} labels={{ copy: t("copy"), copied: t("copied"), share: t("share") }} />
      <ul className="share-links" aria-label={t("networks")}>
        {buildShareTargets(url, shareText).map((target) => (
          <li key={target.id}>
            <a href={target.href} rel="noopener noreferrer" target="_blank">
              {target.id === "email" ? t("byEmail") : target.label}
            </a>
          </li>
        ))}
      </ul>
      {toolkitHref ? (
        <p>
          <a href={toolkitHref}>{tShare("page.toolkitLink")}</a>
        </p>
      ) : null}
    </section>
  );
}
