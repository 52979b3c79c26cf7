import type { InputHTMLAttributes, ReactNode } from "react";

/**
 * A labelled text input (`.field`) and, when given, a hint between the label
 * and the input that the input is described by (`<id>-hint`). Every other
 * prop goes to the input as is.
 */
export function TextField({ id, label, hint, ...input }: { id: string; label: ReactNode; hint?: ReactNode } & Omit<InputHTMLAttributes<HTMLInputElement>, "id">) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
    </div>
  );
}
