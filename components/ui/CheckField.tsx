import type { ReactNode } from "react";

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
      <input id={id} name={name} type="checkbox" defaultChecked={defaultChecked} required={required} aria-describedby={hint ? `${id}-hint` : undefined} />
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
