"use client";

import { useActionState, useState, type FormEvent } from "react";
import { FieldHint } from "@/components/ui/FieldHint";
import type { Locale } from "@/lib/i18n/locales";
import { AUTHOR_CHANGES, byteLength, parseUpdateForm, UPDATE_KINDS, updateFormInput, type UpdateField, type UpdateKind } from "@/lib/schemas/update";
import { INITIAL_UPDATE_FORM_STATE, type UpdateFormState } from "@/lib/schemas/update-form-state";

export type UpdateEditorLabels = {
  detailsHeading: string;
  kind: string;
  kinds: Record<UpdateKind, string>;
  institution: string;
  institutionHint: string;
  eventOn: string;
  eventOnHint: string;
  author: string;
  authorPlaceholder: string;
  authorHint: string;
  authorChange: string;
  authorChangePlaceholder: string;
  authorChanges: Record<(typeof AUTHOR_CHANGES)[number], string>;
  textsHeading: string;
  textsHint: string;
  /** Per locale: "Text in Russian". */
  languages: Record<Locale, string>;
  titleLabel: string;
  bodyLabel: string;
  /** Names the limit in KB already. */
  bodyHint: string;
  save: string;
  saving: string;
  errorSummary: string;
  /** By error code; `bodyTooLarge` holds `{size}` for the text's size in KB. */
  errors: Record<string, string>;
};

const KB = 1024;

/**
 * The update editor: a plain form posting to a server action, so it works
 * without JavaScript; once hydrated, the same schema as the server checks
 * the whole update before it is sent, so a body over the limit is named
 * (with its size) before a byte leaves the browser.
 */
export function UpdateEditor({
  action,
  labels,
  locales,
  authors,
  initialValues,
  id,
  revision,
  canWrite,
}: {
  action: (state: UpdateFormState, formData: FormData) => Promise<UpdateFormState>;
  labels: UpdateEditorLabels;
  locales: readonly Locale[];
  authors: { id: string; name: string }[];
  initialValues: Record<string, string>;
  id?: number;
  revision?: number;
  /** Viewers read the form; its fields are read-only and it has no button. */
  canWrite: boolean;
}) {
  const [state, formAction, isPending] = useActionState(action, INITIAL_UPDATE_FORM_STATE);
  const [clientErrors, setClientErrors] = useState<UpdateFormState["errors"] | null>(null);
  const [sizes, setSizes] = useState<Record<string, number>>({});
  const errors = clientErrors ?? state.errors;
  const values = state.status === "idle" ? initialValues : state.values;
  const fieldOrder: UpdateField[] = ["form", "kind", "institution", "eventOn", "authorId", "authorChange", ...locales.flatMap((locale) => [`title.${locale}`, `body.${locale}`] as UpdateField[])];

  const messageFor = (field: UpdateField): string | undefined => {
    const code = errors[field];
    if (!code) return undefined;
    const message = labels.errors[code] ?? labels.errors.invalid!;
    if (code !== "bodyTooLarge") return message;
    const size = sizes[field] ?? byteLength(values[field] ?? "");
    return message.replace("{size}", String(Math.ceil(size / KB)));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    const data = new FormData(form);
    const parsed = parseUpdateForm(updateFormInput((name) => data.get(name)));
    const measured: Record<string, number> = {};
    for (const locale of locales) measured[`body.${locale}`] = byteLength(String(data.get(`body.${locale}`) ?? ""));
    setSizes(measured);
    if (!parsed.success) {
      event.preventDefault();
      setClientErrors(parsed.errors);
      requestAnimationFrame(() => form.querySelector<HTMLElement>("#update-errors")?.focus());
      return;
    }
    setClientErrors(null);
  };

  const fieldId = (field: string) => `update-${field.replace(".", "-")}`;
  const describedBy = (field: UpdateField, hint?: string) => [hint, errors[field] ? `${fieldId(field)}-error` : ""].filter(Boolean).join(" ") || undefined;
  const fieldError = (field: UpdateField) =>
    errors[field] ? (
      <p id={`${fieldId(field)}-error`} className="field-error">
        {messageFor(field)}
      </p>
    ) : null;
  const listed = fieldOrder.filter((field) => errors[field]);

  return (
    <form action={formAction} onSubmit={onSubmit} noValidate className="sign-form update-editor">
      {id ? <input type="hidden" name="id" value={id} /> : null}
      {revision ? <input type="hidden" name="revision" value={revision} /> : null}
      {listed.length > 0 ? (
        <div id="update-errors" className="form-alert" role="alert" tabIndex={-1}>
          <p>{labels.errorSummary}</p>
          <ul>
            {listed.map((field) => (
              <li key={field}>
                {field === "form" ? (
                  messageFor(field)
                ) : (
                  <a href={`#${fieldId(field)}`}>
                    {field.includes(".") ? `${labels.languages[field.split(".")[1] as Locale]}: ` : ""}
                    {messageFor(field)}
                  </a>
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <fieldset disabled={!canWrite}>
        <legend>{labels.detailsHeading}</legend>
        <div className="field">
          <label htmlFor={fieldId("kind")}>{labels.kind}</label>
          <select id={fieldId("kind")} name="kind" defaultValue={values.kind ?? "news"} aria-invalid={errors.kind ? true : undefined} aria-describedby={describedBy("kind")}>
            {UPDATE_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {labels.kinds[kind]}
              </option>
            ))}
          </select>
          {fieldError("kind")}
        </div>
        <div className="field">
          <label htmlFor={fieldId("institution")}>{labels.institution}</label>
          <FieldHint fieldId={fieldId("institution")}>{labels.institutionHint}</FieldHint>
          <input
            id={fieldId("institution")}
            name="institution"
            type="text"
            maxLength={400}
            defaultValue={values.institution ?? ""}
            aria-invalid={errors.institution ? true : undefined}
            aria-describedby={describedBy("institution", `${fieldId("institution")}-hint`)}
          />
          {fieldError("institution")}
        </div>
        <div className="field">
          <label htmlFor={fieldId("eventOn")}>{labels.eventOn}</label>
          <FieldHint fieldId={fieldId("eventOn")}>{labels.eventOnHint}</FieldHint>
          <input
            id={fieldId("eventOn")}
            name="eventOn"
            type="date"
            defaultValue={values.eventOn ?? ""}
            aria-invalid={errors.eventOn ? true : undefined}
            aria-describedby={describedBy("eventOn", `${fieldId("eventOn")}-hint`)}
          />
          {fieldError("eventOn")}
        </div>
        <div className="field">
          <label htmlFor={fieldId("authorId")}>{labels.author}</label>
          <FieldHint fieldId={fieldId("authorId")}>{labels.authorHint}</FieldHint>
          <select
            id={fieldId("authorId")}
            name="authorId"
            defaultValue={values.authorId ?? ""}
            aria-invalid={errors.authorId ? true : undefined}
            aria-describedby={describedBy("authorId", `${fieldId("authorId")}-hint`)}
          >
            <option value="">{labels.authorPlaceholder}</option>
            {authors.map((author) => (
              <option key={author.id} value={author.id}>
                {author.name}
              </option>
            ))}
          </select>
          {fieldError("authorId")}
        </div>
        <div className="field">
          <label htmlFor={fieldId("authorChange")}>{labels.authorChange}</label>
          <select
            id={fieldId("authorChange")}
            name="authorChange"
            defaultValue={values.authorChange ?? ""}
            aria-invalid={errors.authorChange ? true : undefined}
            aria-describedby={describedBy("authorChange")}
          >
            <option value="">{labels.authorChangePlaceholder}</option>
            {AUTHOR_CHANGES.map((change) => (
              <option key={change} value={change}>
                {labels.authorChanges[change]}
              </option>
            ))}
          </select>
          {fieldError("authorChange")}
        </div>
      </fieldset>

      <h2>{labels.textsHeading}</h2>
      <p className="hint">{labels.textsHint}</p>
      {locales.map((locale) => (
        <fieldset key={locale} disabled={!canWrite}>
          <legend>{labels.languages[locale]}</legend>
          <div className="field">
            <label htmlFor={fieldId(`title.${locale}`)}>{labels.titleLabel}</label>
            <input
              id={fieldId(`title.${locale}`)}
              name={`title.${locale}`}
              type="text"
              lang={locale}
              maxLength={400}
              defaultValue={values[`title.${locale}`] ?? ""}
              aria-invalid={errors[`title.${locale}`] ? true : undefined}
              aria-describedby={describedBy(`title.${locale}`)}
            />
            {fieldError(`title.${locale}`)}
          </div>
          <div className="field">
            <label htmlFor={fieldId(`body.${locale}`)}>{labels.bodyLabel}</label>
            <p id={`${fieldId(`body.${locale}`)}-hint`} className="hint">
              {labels.bodyHint}
            </p>
            <textarea
              id={fieldId(`body.${locale}`)}
              name={`body.${locale}`}
              rows={12}
              lang={locale}
              defaultValue={values[`body.${locale}`] ?? ""}
              aria-invalid={errors[`body.${locale}`] ? true : undefined}
              aria-describedby={describedBy(`body.${locale}`, `${fieldId(`body.${locale}`)}-hint`)}
            />
            {fieldError(`body.${locale}`)}
          </div>
        </fieldset>
      ))}
      {canWrite ? (
        <button type="submit" className="button button--primary" disabled={isPending}>
          {isPending ? labels.saving : labels.save}
        </button>
      ) : null}
    </form>
  );
}
