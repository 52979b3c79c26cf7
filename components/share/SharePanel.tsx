import { getTranslations } from "next-intl/server";
import { buildShareTargets } from "./share-targets";
import { ShareActions } from "./ShareActions";

/** The link to share, a copy button, the native share sheet, and plain links to common networks. */
export async function SharePanel({ url, heading, intro }: { url: string; heading: string; intro?: string }) {
  const t = await getTranslations("Referral");
  const text = t("shareText");
  return (
    <section className="share-panel" aria-labelledby="share-heading">
      <h2 id="share-heading">{heading}</h2>
      {intro ? <p>{intro}</p> : null}
      <p>
        <label htmlFor="share-url">{t("linkLabel")}</label>
        <input id="share-url" className="share-url" type="text" readOnly value={url} />
      </p>
      <ShareActions url={url} text={text} labels={{ copy: t("copy"), copied: t("copied"), share: t("share") }} />
      <ul className="share-links" aria-label={t("networks")}>
        {buildShareTargets(url, text).map((target) => (
          <li key={target.id}>
            <a href={target.href} rel="noopener noreferrer" target="_blank">
              {target.id === "email" ? t("byEmail") : target.label}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
