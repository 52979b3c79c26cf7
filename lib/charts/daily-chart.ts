/** Geometry of a bar chart of counts per day, shared by the dashboard (React SVG) and exported charts. */
export type DailyChartGeometry = {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  bars: { day: string; count: number; x: number; y: number; width: number; height: number }[];
  yTicks: { value: number; y: number }[];
  xLabels: { day: string; x: number }[];
};

/** A "nice" upper bound (1, 2, 5 × 10^n) at or above `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/**
 * Lays out one bar per calendar day from the first to the last day given
 * (missing days are zero bars, so gaps show), with 5 y ticks and at most
 * ~8 x labels.
 */
export function layoutDailyChart(series: { day: string; count: number }[], size = { width: 800, height: 320 }): DailyChartGeometry {
  const plot = { left: 56, top: 16, right: size.width - 16, bottom: size.height - 40 };
  const byDay = new Map(series.map((row) => [row.day, row.count]));
  const days: string[] = [];
  if (series.length > 0) {
    const sorted = [...series].sort((a, b) => a.day.localeCompare(b.day));
    const start = Date.parse(`${sorted[0]!.day}T00:00:00Z`);
    const end = Date.parse(`${sorted.at(-1)!.day}T00:00:00Z`);
    for (let t = start; t <= end; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  }
  const max = niceMax(Math.max(0, ...series.map((row) => row.count)));
  const plotWidth = plot.right - plot.left;
  const plotHeight = plot.bottom - plot.top;
  const slot = days.length > 0 ? plotWidth / days.length : plotWidth;
  const barWidth = Math.max(1, slot * 0.8);
  const bars = days.map((day, index) => {
    const count = byDay.get(day) ?? 0;
    const height = (count / max) * plotHeight;
    return { day, count, x: plot.left + index * slot + (slot - barWidth) / 2, y: plot.bottom - height, width: barWidth, height };
  });
  // Rounded values placed at their own heights (a "1" on a 0–2 axis sits at half height, not a quarter), without repeats.
  const tickValues = [...new Set([0, 0.25, 0.5, 0.75, 1].map((fraction) => Math.round(max * fraction)))];
  const yTicks = tickValues.map((value) => ({ value, y: plot.bottom - (value / max) * plotHeight }));
  const every = Math.max(1, Math.ceil(days.length / 8));
  const xLabels = days.filter((_, index) => index % every === 0).map((day) => ({ day, x: plot.left + days.indexOf(day) * slot + slot / 2 }));
  return { width: size.width, height: size.height, plot, bars, yTicks, xLabels };
}
