import type { ReactNode } from "react";

/**
 * One figure of a `<dl className="stat-grid">`: its name (`<dt>`) and its
 * value (`<dd>`). `data-*` attributes go on the value, where tests and
 * scripts read the figure.
 */
export function Stat({ label, children, ...data }: { label: ReactNode; children: ReactNode } & { [attribute: `data-${string}`]: string | number | undefined }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd {...data}>{children}</dd>
    </div>
  );
}
