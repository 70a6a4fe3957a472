import { expressionFunction, parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { formatCompact, formatCompactRupees } from "./report.format.js";
import type { ReportModel } from "./report.model.js";
import { kpiTrendLayers } from "../lib/kpi-trend-spec.js";

/*
 * The report's charts: Vega-Lite specifications compiled to Vega and rendered to SVG strings in Node
 * (View.toSVG with renderer "none": no DOM, no canvas, no native module). Data is inline values only,
 * so rendering reads nothing from disk or network, and the SVG is embedded in the HTML as it is.
 */

/** The same system font stack as the page: no webfont is ever loaded. */
export const SYSTEM_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif';

/** Fits an A4 page with 14 mm side margins (182 mm ≈ 688 CSS px), with room for the y axis. */
const WIDTH = 600;

const COLOURS = {
  amazon: "#e47911",
  indiaPost: "#c8102e",
  neutral: "#5b6b7a",
  light: "#d5dde5",
  mid: "#8fa7bf",
  dark: "#1f4e79",
  good: "#2e7d32",
  bad: "#c62828",
};

// Indian grouping in axis labels: d3-format only knows thousands, so the report's own Intl formatters are
// registered as Vega expression functions (once per process) and called from labelExpr.
let registered = false;
function registerFormatters(): void {
  if (registered) return;
  expressionFunction("inCompact", (value: number) => formatCompact(value));
  expressionFunction("inRupees", (value: number) => formatCompactRupees(value));
  registered = true;
}

const CONFIG = {
  font: SYSTEM_FONTS,
  background: "white",
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 600, labelColor: "#333", titleColor: "#333", gridColor: "#e6e9ec" },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: "bottom", direction: "horizontal", labelLimit: 320 },
  header: { labelFontSize: 12, labelFontWeight: 600 },
  title: { fontSize: 13, anchor: "start" },
} as const;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  registerFormatters();
  const vega = compile({ ...spec, config: { ...CONFIG, ...spec.config } } as TopLevelSpec).spec;
  const view = new View(parse(vega), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return svg.replace(/^<svg /, '<svg role="img" ');
  } finally {
    view.finalize();
  }
}

export function deliveredVolumeSpec(model: ReportModel): TopLevelSpec {
  const values = model.trend.delivered.map((p) => ({ ...p, text: p.value === null ? "" : formatCompact(p.value) }));
  return {
    width: WIDTH,
    height: 220,
    data: { values },
    encoding: {
      x: { field: "label", type: "ordinal", sort: null, title: null, axis: { labelAngle: 0 } },
      y: { field: "value", type: "quantitative", title: "Shipments delivered", axis: { labelExpr: "inCompact(datum.value)", tickCount: 5 } },
    },
    layer: [
      {
        mark: { type: "bar", width: { band: 0.6 } },
        encoding: {
          color: {
            field: "current",
            type: "nominal",
            scale: { domain: [true, false], range: [COLOURS.indiaPost, COLOURS.mid] },
            legend: null,
          },
        },
      },
      { mark: { type: "text", dy: -7, fontSize: 11, color: "#222" }, encoding: { text: { field: "text" } } },
    ],
  };
}

export function serviceQualitySpec(model: ReportModel): TopLevelSpec {
  // The report quarter's figure goes in the panel's heading: a label at the last point collides with the line.
  const panels = model.trend.quality.map((series) => {
    const value = series.points.find((p) => p.current)?.value ?? null;
    return { series, title: value === null ? series.name : `${series.name}: ${value.toFixed(1)}%` };
  });
  const values = panels.flatMap(({ series, title }) => series.points.map((p) => ({ ...p, kpi: title })));
  return {
    data: { values },
    facet: { column: { field: "kpi", type: "nominal", sort: panels.map((p) => p.title), title: null } },
    spacing: 24,
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 176,
      height: 170,
      encoding: { x: { field: "label", type: "ordinal", sort: null, title: null, axis: { labelAngle: -90, labelFontSize: 10 } } },
      // The same layers as the dashboard's trend charts (src/lib/kpi-trend-spec.ts).
      layer: kpiTrendLayers({ title: "%" }),
    },
  };
}

export function codSpec(model: ReportModel): TopLevelSpec {
  const bars = model.trend.cod.flatMap((q) => [
    { label: q.label, measure: "Collected", value: q.collected },
    { label: q.label, measure: "Remitted", value: q.remitted },
  ]);
  const outstanding = model.trend.cod.map((q) => ({ label: q.label, measure: "Outstanding (end of quarter)", value: q.outstanding }));
  const colour = {
    field: "measure",
    type: "nominal" as const,
    title: null,
    scale: { domain: ["Collected", "Remitted", "Outstanding (end of quarter)"], range: [COLOURS.dark, COLOURS.mid, COLOURS.amazon] },
  };
  return {
    width: WIDTH,
    height: 230,
    encoding: {
      x: { field: "label", type: "ordinal", sort: null, title: null, axis: { labelAngle: 0 } },
      y: { field: "value", type: "quantitative", title: "COD amount", axis: { labelExpr: "inRupees(datum.value)", tickCount: 5 } },
      color: colour,
    },
    layer: [
      { data: { values: bars }, mark: { type: "bar" }, encoding: { xOffset: { field: "measure" } } },
      { data: { values: outstanding }, mark: { type: "line", point: { filled: true, size: 40 }, strokeWidth: 2.5 } },
    ],
  };
}

export function coverageSpec(model: ReportModel): TopLevelSpec {
  const rows = model.coverage.rows.filter((r) => r.pinsDeliverable > 0);
  const order = rows.map((r) => r.area);
  // Drawn largest first and not stacked: each bar starts at 0, so the shorter bars sit inside the longer.
  const values = rows.flatMap((r) => [
    { area: r.area, measure: "Deliverable", value: r.pinsDeliverable },
    { area: r.area, measure: "Serviceable", value: r.pinsServiceable },
    { area: r.area, measure: "Active in the quarter", value: r.pinsActive },
  ]);
  return {
    width: WIDTH - 140,
    height: { step: 17 },
    data: { values },
    mark: { type: "bar", height: { band: 0.8 } },
    encoding: {
      y: { field: "area", type: "nominal", sort: order, title: null, axis: { labelLimit: 160 } },
      x: { field: "value", type: "quantitative", stack: null, title: "PIN codes", axis: { labelExpr: "inCompact(datum.value)", orient: "top" } },
      color: {
        field: "measure",
        type: "nominal",
        title: null,
        sort: null,
        scale: { domain: values.slice(0, 3).map((v) => v.measure), range: [COLOURS.light, COLOURS.mid, COLOURS.dark] },
      },
      order: { field: "value", sort: "descending" },
    },
  };
}

export function pickupSpec(model: ReportModel): TopLevelSpec {
  const values = model.pickup.map((p) => ({
    name: p.shortName,
    value: p.value,
    target: p.target,
    status: p.status === "met" ? "Target met" : p.status === "missed" ? "Target missed" : "No target",
    text: p.value === null ? "" : `${p.value.toFixed(1)}%`,
  }));
  const maximum = Math.max(100, ...values.flatMap((v) => [v.value ?? 0, v.target ?? 0]));
  return {
    width: WIDTH - 270,
    height: { step: 22 },
    data: { values },
    encoding: {
      // Vega measures text without a canvas by estimate (0.8 em a character), so the limit is generous.
      y: { field: "name", type: "nominal", sort: null, title: null, axis: { labelLimit: 260 } },
    },
    layer: [
      {
        mark: { type: "bar", height: { band: 0.7 } },
        encoding: {
          x: { field: "value", type: "quantitative", title: "Parcels handed over ÷ committed capacity (%)", scale: { domain: [0, Math.ceil(maximum / 10) * 10] } },
          color: {
            field: "status",
            type: "nominal",
            title: null,
            scale: { domain: ["Target met", "Target missed", "No target"], range: [COLOURS.good, COLOURS.bad, COLOURS.neutral] },
          },
        },
      },
      {
        mark: { type: "tick", color: "#111", thickness: 2, size: 18 },
        encoding: { x: { field: "target", type: "quantitative" } },
      },
      {
        mark: { type: "text", align: "left", dx: 5, fontSize: 10, color: "#222" },
        encoding: { x: { field: "value", type: "quantitative" }, text: { field: "text" } },
      },
    ],
  };
}

export interface ReportCharts {
  readonly delivered: string;
  readonly quality: string;
  readonly cod: string;
  readonly coverage: string | null;
  readonly pickup: string | null;
}

export async function renderCharts(model: ReportModel): Promise<ReportCharts> {
  return {
    delivered: await renderSvg(deliveredVolumeSpec(model)),
    quality: await renderSvg(serviceQualitySpec(model)),
    cod: await renderSvg(codSpec(model)),
    coverage: model.coverage.rows.some((r) => r.pinsDeliverable > 0) ? await renderSvg(coverageSpec(model)) : null,
    pickup: model.pickup.length === 0 ? null : await renderSvg(pickupSpec(model)),
  };
}
