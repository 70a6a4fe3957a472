/**
 * The KPI trend charts: one small Vega chart per KPI over the trend's quarters, value line and points, the chosen
 * quarter in red, the targets as ticks. The chart is src/lib/kpi-trend-spec.ts's Vega-Lite, compiled to Vega when the
 * bundle is built (src/dashboard/build.mjs), so the page carries Vega's runtime and not Vega-Lite's compiler.
 *
 * The page's CSP has no 'unsafe-eval': Vega's expressions are parsed to syntax trees (`ast: true`) and evaluated by
 * vega-interpreter instead of being compiled with `new Function`. The SVG renderer styles its elements through the
 * CSSOM, which style-src 'self' allows.
 */
import { useEffect, useRef } from "preact/hooks";
import { expressionFunction, parse, View } from "vega";
import { expressionInterpreter } from "vega-interpreter";
import trendSpec from "virtual:kpi-trend-vega";
import type { KpiUnit } from "../lib/indian-format.js";
import { kpiAxisLabel } from "../lib/kpi-trend.js";
import { KPI_TREND_COLOURS, KPI_TREND_DATA, KPI_TREND_UNIT, type KpiTrendPoint } from "../lib/kpi-trend-spec.js";

let runtime: ReturnType<typeof parse> | null = null;
/**
 * The chart's parsed dataflow, made once and shared by every chart (a View reads it, never changes it). The y axis'
 * labels call kpiAxis (Indian grouping, lakh and crore), registered before the parse, which checks function names.
 */
function trendRuntime(): ReturnType<typeof parse> {
  if (runtime === null) {
    expressionFunction("kpiAxis", (value: number, unit: string) => kpiAxisLabel(value, unit));
    runtime = parse(trendSpec, undefined, { ast: true });
  }
  return runtime;
}

/** One KPI's chart, drawn into its box as SVG at the box's width, drawn again at the new width when the window resizes. */
export function TrendChart(props: { kpi: string; name: string; definition: string; unit: KpiUnit; points: readonly KpiTrendPoint[] }) {
  const { kpi, name, definition, unit, points } = props;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current!;
    const view = new View(trendRuntime(), { expr: expressionInterpreter, renderer: "svg", container: element });
    // Vega marks the data objects it is given; copies keep the page's state untouched.
    view.signal(KPI_TREND_UNIT, unit).data(KPI_TREND_DATA, points.map((p) => ({ ...p })));
    let live = true;
    const draw = () => view.width(Math.max(160, element.clientWidth)).runAsync();
    draw().then(
      () => live && element.setAttribute("data-rendered", "true"),
      (error: Error) => live && element.setAttribute("data-error", error.message),
    );
    const redraw = () => void draw();
    window.addEventListener("resize", redraw);
    return () => {
      live = false;
      window.removeEventListener("resize", redraw);
      view.finalize();
      element.replaceChildren();
      element.removeAttribute("data-rendered");
    };
  }, [points, unit]);
  const values = points.filter((p) => p.value !== null).length;
  return (
    <figure class="trend" data-kpi={kpi} title={definition}>
      <figcaption>{name}</figcaption>
      <div class="trend-chart" ref={box} data-quarters={points.length} data-values={values} />
    </figure>
  );
}

/** What the marks mean, once for all the charts. */
export function TrendLegend({ quarter }: { quarter: string }) {
  return (
    <ul class="trend-legend">
      <li>
        <span class="key-line" style={{ background: KPI_TREND_COLOURS.line }} /> value
      </li>
      <li>
        <span class="key-dot" style={{ background: KPI_TREND_COLOURS.current }} /> {quarter}
      </li>
      <li>
        <span class="key-tick" style={{ background: KPI_TREND_COLOURS.target }} /> target
      </li>
    </ul>
  );
}
