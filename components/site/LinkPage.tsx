import type { ReactNode } from "react";

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
