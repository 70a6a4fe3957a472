/**
 * The KPI trend chart as Vega, compiled from src/lib/kpi-trend-spec.ts's Vega-Lite at build time by src/dashboard/build.mjs
 * (an esbuild plugin answers this import with the compiled JSON).
 */
declare module "virtual:kpi-trend-vega" {
  import type { Spec } from "vega";
  const spec: Spec;
  export default spec;
}
