import type { ReactNode } from "react";
import styles from "./WorldMap.module.css";

export type WorldMapLegendStep = { fill: string; label: string };

/**
 * The world map of signatures per country, drawn on the server
 * (server/stats/world-map.ts) and sent as plain SVG: no client JavaScript.
 * `svg` must come from renderWorldMap, which escapes every text in it. The
 * per-country table is its text alternative; `note` points readers to it.
 */
export function WorldMap({
  svg,
  legend,
  legendTitle,
  note,
}: {
  svg: string;
  legend: WorldMapLegendStep[];
  legendTitle: string;
  note: ReactNode;
}) {
  return (
    <figure className={styles.map}>
      <div className={styles.canvas} dangerouslySetInnerHTML={{ __html: svg }} />
      <div className={styles.legend}>
        <p className={styles.legendTitle}>{legendTitle}</p>
        <ul className={styles.steps}>
          {legend.map((step) => (
            <li key={step.fill} className={styles.step}>
              <span className={styles.swatch} style={{ background: step.fill }} aria-hidden="true" />
              {step.label}
            </li>
          ))}
        </ul>
      </div>
      <figcaption className={styles.note}>{note}</figcaption>
    </figure>
  );
}
