import type { ReactNode } from "react";

/**
 * A section of an admin page that is one form: its heading (which names the
 * section), an optional introduction, the fields, and one submit button
 * (`primary` for the page's main action).
 */
export function FormSection({
  id,
  heading,
  intro,
  action,
  submitLabel,
  primary,
  children,
}: {
  id: string;
  heading: ReactNode;
  intro?: ReactNode;
  action: (formData: FormData) => void | Promise<void>;
  submitLabel: ReactNode;
  primary?: boolean;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{heading}</h2>
      {intro ? <p>{intro}</p> : null}
      <form action={action} className="sign-form narrow-form">
        {children}
        <button type="submit" className={primary ? "button button--primary" : "button"}>
          {submitLabel}
        </button>
      </form>
    </section>
  );
}
