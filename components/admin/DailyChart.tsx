import { DataTable } from "@/components/ui/DataTable";
import { layoutDailyChart } from "@/lib/charts/daily-chart";

/**
 * Signatures per day as an SVG drawn on the server (no client JavaScript),
 * with the numbers in a table for screen readers and anyone who wants them.
 */
export function DailyChart({
  series,
  title,
  tableCaption,
  dayLabel,
  countLabel,
  locale,
}: {
  series: { day: string; count: number }[];
  title: string;
  tableCaption: string;
  dayLabel: string;
  countLabel: string;
  locale: string;
}) {
  const chart = layoutDailyChart(series);
  const number = new Intl.NumberFormat(locale);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-label={title} className="chart__svg">
        {chart.yTicks.map((tick) => (
          <g key={tick.value}>
            <line x1={chart.plot.left} x2={chart.plot.right} y1={tick.y} y2={tick.y} stroke="#d9d6cf" />
            <text x={chart.plot.left - 8} y={tick.y + 4} textAnchor="end" fontSize="12" fill="#4a4a55">
              {number.format(tick.value)}
            </text>
          </g>
        ))}
        {chart.bars.map((bar) => (
          <rect key={bar.day} x={bar.x} y={bar.y} width={bar.width} height={bar.height} fill="#7a1f1f">
            <title>{`${bar.day}: ${number.format(bar.count)}`}</title>
          </rect>
        ))}
        {chart.xLabels.map((label) => (
          <text key={label.day} x={label.x} y={chart.plot.bottom + 20} textAnchor="middle" fontSize="12" fill="#4a4a55">
            {label.day.slice(5)}
          </text>
        ))}
      </svg>
      <figcaption>{title}</figcaption>
      <details>
        <summary>{tableCaption}</summary>
        <DataTable
          rows={series}
          rowKey={(row) => row.day}
          columns={[
            { header: dayLabel, cell: (row) => row.day },
            { header: countLabel, numeric: true, cell: (row) => number.format(row.count) },
          ]}
        />
      </details>
    </figure>
  );
}
