import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { SiteHeader } from "./SiteHeader";

/** What a page opened from an email link says: a heading, a lead paragraph, and what to do next. */
export function LinkMessage({ title, body, children }: { title: string; body: string; children?: ReactNode }) {
  return (
    <>
      <h1>{title}</h1>
      <p className="lede">{body}</p>
      {children}
    </>
  );
}

/**
 * The one button of such a page: a POST carrying the link's token and the
 * page's language, so that opening the link alone (a mail scanner) changes
 * nothing. `action` is a URL (posted as a plain form) or a server action.
 */
export function TokenButtonForm({ action, token, locale, label }: { action: string | ((formData: FormData) => Promise<void>); token: string; locale: string; label: string }) {
  return (
    // React sets the method of a form whose action is a function itself (and objects to one given).
    <form action={action} method={typeof action === "string" ? "post" : undefined}>
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="locale" value={locale} />
      <button type="submit" className="button button--primary">
        {label}
      </button>
    </form>
  );
}

/** Where an emailed link stands: its button can be pressed, it has done its work, or it cannot be used. */
export type EmailLinkOutcome = "ready" | "finished" | "expired" | "invalid";

/**
 * The whole page an emailed link with a one-time token opens (confirm,
 * withdraw). `ready`: the namespace's `title`, `body` and the button that
 * does it; `finished`: what `finished` says; `expired` or `invalid`: the
 * namespace's `expiredTitle`/`expiredBody` or `invalidTitle`/`invalidBody`
 * and the `next` link. The language switcher carries the token only while
 * the button can still be pressed.
 */
export async function EmailLinkPage({
  path,
  namespace,
  locale,
  token,
  outcome,
  action,
  finished,
  next,
}: {
  path: string;
  namespace: string;
  locale: string;
  token: string | undefined;
  outcome: EmailLinkOutcome;
  action: string | ((formData: FormData) => Promise<void>);
  finished: { title: string; body: string };
  next: { href: string; label: string };
}) {
  const t = await getTranslations(namespace);
  const switcherQuery = token && outcome === "ready" ? `?token=${encodeURIComponent(token)}` : "";
  return (
    <>
      <SiteHeader path={path} query={switcherQuery} />
      <main id="main" className="narrow">
        {outcome === "ready" && token ? (
          <LinkMessage title={t("title")} body={t("body")}>
            <TokenButtonForm action={action} token={token} locale={locale} label={t("button")} />
          </LinkMessage>
        ) : outcome === "finished" ? (
          <LinkMessage title={finished.title} body={finished.body} />
        ) : (
          <LinkMessage title={t(outcome === "expired" ? "expiredTitle" : "invalidTitle")} body={t(outcome === "expired" ? "expiredBody" : "invalidBody")}>
            <p>
              <a className="button" href={next.href}>
                {next.label}
              </a>
            </p>
          </LinkMessage>
        )}
      </main>
    </>
  );
}
