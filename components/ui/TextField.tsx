import type { InputHTMLAttributes, ReactNode } from "react";
import { FieldHint, hintIdFor } from "./FieldHint";

/**
 * A labelled text input (`.field`) and, when given, a hint between the label
 * and the input that the input is described by (`<id>-hint`). Every other
 * prop goes to the input as is.
 */
export function TextField({ id, label, hint, ...input }: { id: string; label: ReactNode; hint?: ReactNode } & Omit<InputHTMLAttributes<HTMLInputElement>, "id">) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <FieldHint fieldId={id}>{hint}</FieldHint>
      <input id={id} aria-describedby={hintIdFor(id, hint)} {...input} />
    </div>
  );
}
