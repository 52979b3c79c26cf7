import type { ReactNode } from "react";
import { FieldHint, hintIdFor } from "./FieldHint";

/**
 * A checkbox with its label after it (`.field--check`) and, when given, a
 * hint under both that the checkbox is described by (`<id>-hint`).
 */
export function CheckField({
  id,
  name,
  label,
  hint,
  defaultChecked,
  required,
}: {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  defaultChecked?: boolean;
  required?: boolean;
}) {
  return (
    <div className="field field--check">
      <input id={id} name={name} type="checkbox" defaultChecked={defaultChecked} required={required} aria-describedby={hintIdFor(id, hint)} />
      <label htmlFor={id}>{label}</label>
      <FieldHint fieldId={id}>{hint}</FieldHint>
    </div>
  );
}
