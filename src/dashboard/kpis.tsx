/**
 * The KPI panels (ANALYST or ADMIN): a quarter picker (default: the last complete fiscal quarter) and a scope picker
 * (national by default, or a postal circle or a state; a viewer restricted to one circle gets that circle only) driving
 * the KPI tiles for the quarter and the trend charts over the TREND_QUARTERS quarters ending with it. One request
 * (DashboardKpis) answers both; the scope list is a second (DashboardKpiScopes), asked once the first KPIs are in. COD money and
 * remittance KPIs are shown only to FINANCE or ADMIN (the graph answers them null to others).
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { DashboardKpiScopesDocument, DashboardKpisLiveDocument, type DashboardKpiScopesQuery, DashboardKpisDocument, type DashboardKpisQuery } from "../generated/operations.js";
import { fiscalQuarterLastDay } from "../lib/coverage-map.js";
import { formatKpiChange, formatKpiFigure, lastCompleteFiscalQuarter } from "../lib/indian-format.js";
import { pickableQuarters, readsKpi, scopeInput, TREND_QUARTERS, trendPoints, trendStart } from "../lib/kpi-trend.js";
import { request } from "./graph.js";
import { live } from "./live.js";
import { TrendChart, TrendLegend } from "./trends.js";

type Metric = NonNullable<DashboardKpisQuery["tiles"]>[number]["metrics"][number];

function Tile({ metric }: { metric: Metric }) {
  const figure = formatKpiFigure(metric.value, metric.unit);
  const target = metric.target === null ? null : formatKpiFigure(metric.target, metric.unit).exact;
  const qoq = formatKpiChange(metric.quarterOnQuarter, metric.unit);
  const yoy = formatKpiChange(metric.yearOnYear, metric.unit);
  return (
    <div class="tile" data-kpi={metric.key} title={metric.definition}>
      <div class="tile-name">{metric.name}</div>
      <div class="tile-value">
        <span class="exact">{figure.exact}</span>
        {figure.compact !== null && <span class="compact">{figure.compact}</span>}
      </div>
      <div class="tile-changes">
        <span class="qoq">QoQ {qoq ?? "–"}</span>
        <span class="yoy">YoY {yoy ?? "–"}</span>
      </div>
      <div class={`tile-target ${metric.targetMet === true ? "met" : metric.targetMet === false ? "missed" : ""}`}>
        {target === null ? "No target" : `Target ${metric.direction === "LOWER_IS_BETTER" ? "≤" : "≥"} ${target}: ${metric.targetMet === true ? "met" : metric.targetMet === false ? "not met" : "–"}`}
      </div>
    </div>
  );
}

/** The scope picker's choices: national and every circle and state, or only the viewer's circle when it is restricted to one. */
function useScopes(apiKey: string, circle: string | null, quarter: string, ready: boolean): { value: string; label: string; group: string }[] {
  const [scopes, setScopes] = useState<DashboardKpiScopesQuery | null>(null);
  useEffect(() => {
    if (circle !== null || !ready || scopes !== null) return;
    // Asked once the first KPIs are in: on the embedded database requests are answered one at a time, and the tiles
    // (the national default needs no list) should not wait behind the list's per-state coverage. The list hardly
    // changes with the quarter, so it is asked once. A failure leaves national only.
    request(apiKey, DashboardKpiScopesDocument, { quarter, asOf: fiscalQuarterLastDay(quarter) }).then(setScopes, () => undefined);
  }, [apiKey, circle, ready]);
  return useMemo(() => {
    if (circle !== null) return [{ value: `CIRCLE:${circle}`, label: circle, group: "Your circle" }];
    const states = [...new Set((scopes?.coverage.areas ?? []).map((a) => a.area))].sort();
    return [
      { value: "NATIONAL", label: "India (national)", group: "" },
      ...(scopes?.circles ?? []).map((c) => ({ value: `CIRCLE:${c.name}`, label: c.name, group: "Postal circles" })),
      ...states.map((s) => ({ value: `STATE:${s}`, label: s, group: "States and union territories" })),
    ];
  }, [scopes, circle]);
}

export function KpiPanels({ apiKey, roles, circle }: { apiKey: string; roles: ReadonlySet<string>; circle: string | null }) {
  const quarters = useMemo(() => pickableQuarters(new Date()), []);
  const [quarter, setQuarter] = useState(() => lastCompleteFiscalQuarter(new Date()));
  const [scope, setScope] = useState(() => (circle === null ? "NATIONAL" : `CIRCLE:${circle}`));
  const [data, setData] = useState<{ key: string; answer: DashboardKpisQuery } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const scopes = useScopes(apiKey, circle, quarter, data !== null);
  const wanted = `${quarter}|${scope}`;
  // Bumped by each kpisChanged event for the chosen quarter and scope: the tiles and trend are asked again.
  const [moved, setMoved] = useState(0);
  useEffect(
    () => live(apiKey, DashboardKpisLiveDocument, { quarter, scope: scopeInput(scope) }, (event) => event.kpisChanged !== null && setMoved((n) => n + 1)),
    [apiKey, wanted],
  );
  useEffect(() => {
    let current = true;
    setError(null);
    request(apiKey, DashboardKpisDocument, { quarter, from: trendStart(quarter), scope: scopeInput(scope) }).then(
      (answer) => current && setData({ key: wanted, answer }),
      (e: Error) => current && setError(e.message),
    );
    // A later choice wins: an answer to an earlier one arriving late is dropped.
    return () => {
      current = false;
    };
  }, [apiKey, wanted, moved]);

  const row = data?.answer.tiles?.[0];
  const metrics = (row?.metrics ?? []).filter((metric) => readsKpi(metric.key, roles));
  // Built once per answer, so a chart is drawn again only when its points change.
  const series = useMemo(
    () => new Map((row?.metrics ?? []).map((metric) => [metric.key, trendPoints(data?.answer.trend ?? [], metric.key, row!.quarter)])),
    [data],
  );
  const loading = data?.key !== wanted && error === null;
  const groups = [...new Set(scopes.map((s) => s.group))];
  const shortQuarter = quarters.find((q) => q.value === quarter)?.label ?? quarter;
  return (
    <>
      <section class="panel kpis" id="kpi-panel" aria-busy={loading} data-quarter={data?.answer.tiles?.[0]?.quarter} data-scope={data?.key.split("|")[1]}>
        <div class="panel-head">
          <h2>
            KPIs: {row?.scope.name ?? "…"}
            {row === undefined ? "" : `, ${row.label}`}
          </h2>
          <div class="pickers">
            <label>
              Quarter{" "}
              <select id="kpi-quarter" value={quarter} onChange={(e) => setQuarter(e.currentTarget.value)}>
                {quarters.map((q) => (
                  <option key={q.value} value={q.value}>
                    {q.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Scope{" "}
              <select id="kpi-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
                {groups.map((group) => {
                  const options = scopes
                    .filter((s) => s.group === group)
                    .map((s) => (
                      <option key={s.value} value={s.value}>
                        {s.label}
                      </option>
                    ));
                  return group === "" ? options : <optgroup label={group}>{options}</optgroup>;
                })}
              </select>
            </label>
          </div>
        </div>
        {error !== null && <p class="error">{error}</p>}
        {row !== undefined && (
          <div class={`tiles${loading ? " stale" : ""}`}>
            {metrics.map((metric) => (
              <Tile key={metric.key} metric={metric} />
            ))}
          </div>
        )}
      </section>
      <section class="panel trends" id="trend-panel" aria-busy={loading}>
        <div class="panel-head">
          <h2>
            Trends: {TREND_QUARTERS} quarters to {shortQuarter}
            {row === undefined ? "" : `, ${row.scope.name}`}
          </h2>
          <TrendLegend quarter={shortQuarter} />
        </div>
        {row !== undefined && (
          <div class={`trend-grid${loading ? " stale" : ""}`}>
            {metrics.map((metric) => (
              <TrendChart key={metric.key} kpi={metric.key} name={metric.name} definition={metric.definition} unit={metric.unit} points={series.get(metric.key)!} />
            ))}
          </div>
        )}
      </section>
    </>
  );
}
