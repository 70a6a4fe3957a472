/**
 * The KPI trend chart, one Vega-Lite definition shared by the quarterly report (src/report/report.charts.ts, rendered
 * to SVG in Node) and the dashboard (src/dashboard/trends.tsx, rendered in the browser): a KPI's value per quarter as a
 * line with a point a quarter, the highlighted quarter as a larger red point, and the quarter's target as a tick (a
 * tick, not a line: targets start with the reviews, so early quarters have none).
 *
 * Type imports only: the dashboard's build (src/dashboard/build.mjs) bundles and evaluates this module in Node, compiles
 * `dashboardKpiTrendSpec()` to Vega there, and ships the browser only the compiled Vega spec and Vega's runtime, not
 * Vega-Lite's compiler (about 86 KB gzip).
 */
import type { TopLevelSpec } from "vega-lite";

type LayerSpec = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];

/** One point of a trend: the quarter's short label, the KPI's value and target in its unit, and whether it is the chosen quarter. */
export interface KpiTrendPoint {
  readonly quarter: string;
  readonly label: string;
  readonly value: number | null;
  readonly target: number | null;
  readonly current: boolean;
}

export const KPI_TREND_COLOURS = { line: "#1f4e79", current: "#c8102e", target: "#e47911" } as const;

/** The name of the dashboard chart's data set: the page inserts each KPI's points into it. */
export const KPI_TREND_DATA = "trend";

/** The name of the dashboard chart's unit parameter (a Vega signal): the y axis labels read it. */
export const KPI_TREND_UNIT = "unit";

/**
 * The chart's four layers over points shaped as KpiTrendPoint (fields `label`, `value`, `target`, `current`). `y` is
 * the value axis (title, label expression); the report writes "%" as the title, the dashboard formats by unit. Each
 * layer is named, so an SVG rendering carries the name in a class of its marks (`kpi_value_marks`, `kpi_point_marks`,
 * `kpi_current_marks`, `kpi_target_marks`): the browser test counts them.
 */
export function kpiTrendLayers(y: { title: string | null; labelExpr?: string }, sizes = { point: 30, current: 70, tick: 14 }): LayerSpec[] {
  const axis = y.labelExpr === undefined ? {} : { axis: { labelExpr: y.labelExpr, tickCount: 4 } };
  return [
    {
      name: "kpi-value",
      mark: { type: "line", color: KPI_TREND_COLOURS.line, strokeWidth: 2 },
      encoding: { y: { field: "value", type: "quantitative", title: y.title, scale: { zero: false, padding: 8 }, ...axis } },
    },
    {
      // A layer of its own rather than the line's `point` option, so that its marks carry a name of their own.
      name: "kpi-point",
      mark: { type: "point", filled: true, size: sizes.point, color: KPI_TREND_COLOURS.line, opacity: 1 },
      encoding: { y: { field: "value", type: "quantitative" } },
    },
    {
      name: "kpi-current",
      mark: { type: "point", filled: true, size: sizes.current, color: KPI_TREND_COLOURS.current },
      transform: [{ filter: "datum.current" }],
      encoding: { y: { field: "value", type: "quantitative" } },
    },
    {
      name: "kpi-target",
      mark: { type: "tick", color: KPI_TREND_COLOURS.target, thickness: 2.5, size: sizes.tick },
      encoding: { y: { field: "target", type: "quantitative" } },
    },
  ];
}

/**
 * The dashboard's trend chart, one per KPI: no inline data (the page inserts the points into the `trend` data set),
 * the unit a parameter (`unit`, one of MetricUnit) read by the y axis' labels through the page's `kpiAxis` expression
 * function (Indian grouping and lakh/crore, which d3-format cannot write), the width set by the page to its box.
 */
export function dashboardKpiTrendSpec(): TopLevelSpec {
  return {
    data: { name: KPI_TREND_DATA },
    params: [{ name: KPI_TREND_UNIT, value: "SHIPMENTS" }],
    width: 300,
    height: 120,
    // The page sets the width to the chart's box; "fit-x" keeps axes and labels inside it.
    autosize: { type: "fit-x", contains: "padding" },
    background: "transparent",
    config: {
      font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif',
      view: { stroke: null },
      axis: { labelFontSize: 10, labelColor: "#444", gridColor: "#e6e9ec", domainColor: "#999", tickColor: "#999" },
    },
    encoding: {
      x: { field: "label", type: "ordinal", sort: null, title: null, axis: { labelAngle: -45, labelFontSize: 9, labelOverlap: true } },
    },
    layer: kpiTrendLayers({ title: null, labelExpr: `kpiAxis(datum.value, ${KPI_TREND_UNIT})` }, { point: 22, current: 55, tick: 10 }),
  };
}
