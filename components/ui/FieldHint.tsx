import type { ReactNode } from "react";

/** The id of a field's hint, for the control's `aria-describedby` (none without a hint). */
export function hintIdFor(fieldId: string, hint: ReactNode): string | undefined {
  return hint ? `${fieldId}-hint` : undefined;
}

/** A field's hint, under the id `hintIdFor` gives the control; nothing without one. */
export function FieldHint({ fieldId, children }: { fieldId: string; children?: ReactNode }) {
  return children ? (
    <p id={`${fieldId}-hint`} className="hint">
      {children}
    </p>
  ) : null;
}
