"use client";

import { useEffect, useState } from "react";

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>>;

const POLL_MS = 5000;

function formatCount(total: number, locale: string, forms: PluralForms): string {
  const template = forms[new Intl.PluralRules(locale).select(total)] ?? forms.other ?? "#";
  return template.replace("#", new Intl.NumberFormat(locale).format(total));
}

/**
 * The live number of verified signatures and progress to the goal. The
 * server renders it with the number at render time (so it reads without
 * JavaScript); in the browser it polls the public stats every few seconds
 * while the page is visible.
 */
export function LiveCount({
  initialTotal,
  goal,
  locale,
  forms,
  goalLabel,
  progressLabel,
}: {
  initialTotal: number;
  goal: number;
  locale: string;
  forms: PluralForms;
  /** With `{goal}`. */
  goalLabel: string;
  /** With `{percent}`. */
  progressLabel: string;
}) {
  const [total, setTotal] = useState(initialTotal);

  useEffect(() => {
    let stopped = false;
    let controller: AbortController | undefined;
    const refresh = async () => {
      if (document.visibilityState !== "visible") return;
      controller?.abort();
      controller = new AbortController();
      try {
        const response = await fetch("/api/v1/stats", { cache: "no-store", signal: controller.signal });
        if (!response.ok) return;
        const stats = (await response.json()) as { total?: unknown };
        if (!stopped && typeof stats.total === "number") setTotal(stats.total);
      } catch {
        // Offline or aborted: keep showing the last number.
      }
    };
    void refresh();
    const timer = setInterval(refresh, POLL_MS);
    document.addEventListener("visibilitychange", refresh);
    return () => {
      stopped = true;
      controller?.abort();
      clearInterval(timer);
      document.removeEventListener("visibilitychange", refresh);
    };
  }, []);

  const percent = goal > 0 ? Math.min(100, Math.floor((total / goal) * 100)) : 0;
  const number = new Intl.NumberFormat(locale);
  return (
    <div className="live-count">
      <p className="live-count__number" data-testid="signature-count" data-total={total}>
        {formatCount(total, locale, forms)}
      </p>
      <progress className="live-count__bar" max={goal} value={Math.min(total, goal)} aria-label={progressLabel.replace("{percent}", String(percent))} />
      <p className="live-count__goal">
        <span>{goalLabel.replace("{goal}", number.format(goal))}</span>
        <span>{progressLabel.replace("{percent}", String(percent))}</span>
      </p>
    </div>
  );
}
