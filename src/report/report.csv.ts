import { toCsv } from "../lib/csv-text.js";
import type { ReportKpiTrend } from "./report.data.js";

type QuarterKpis = ReportKpiTrend[number];

/**
 * The KPI table as CSV, for spreadsheets: one row per KPI of the report quarter and scope, every number
 * exactly as the graph answered it (no rounding, no grouping; empty = null), so a figure can be traced
 * back to the `ReportKpiTrend` operation. Percentages are 0–100; attainment and changes are fractions.
 */
export const KPI_CSV_HEADER = [
  "quarter",
  "scope_kind",
  "scope_key",
  "key",
  "name",
  "unit",
  "direction",
  "value",
  "numerator",
  "denominator",
  "target",
  "attainment",
  "target_met",
  "qoq_base_quarter",
  "qoq_base_value",
  "qoq_ratio",
  "qoq_change",
  "qoq_point_change",
  "yoy_base_quarter",
  "yoy_base_value",
  "yoy_ratio",
  "yoy_change",
  "yoy_point_change",
] as const;

export function renderKpiCsv(quarter: QuarterKpis): string {
  const rows = quarter.metrics.map((m) => [
    quarter.quarter,
    quarter.scope.kind,
    quarter.scope.key,
    m.key,
    m.name,
    m.unit,
    m.direction,
    m.value,
    m.numerator,
    m.denominator,
    m.target,
    m.attainment,
    m.targetMet,
    m.quarterOnQuarter.baseQuarter,
    m.quarterOnQuarter.baseValue,
    m.quarterOnQuarter.ratio,
    m.quarterOnQuarter.change,
    m.quarterOnQuarter.pointChange,
    m.yearOnYear.baseQuarter,
    m.yearOnYear.baseValue,
    m.yearOnYear.ratio,
    m.yearOnYear.change,
    m.yearOnYear.pointChange,
  ]);
  return toCsv([KPI_CSV_HEADER, ...rows]);
}
