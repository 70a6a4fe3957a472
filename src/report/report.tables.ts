import { formatCount, formatFraction, formatValue } from "./report.format.js";
import type { ActionItemRow, ReportModel } from "./report.model.js";

/** A table as plain text cells: the HTML writer escapes and styles them, the Markdown writer pipes them. */
export interface TextTable {
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns aligned right (figures). */
  readonly numeric: readonly number[];
  /** The column holding "met" / "missed" / "no target", when there is one. */
  readonly status?: number;
}

const orNa = (value: number | null) => (value === null ? "n/a" : formatCount(value));

export function failedAttemptsTable(model: ReportModel): TextTable {
  return {
    head: ["Reason", "Shipments", "Share of attempted"],
    rows: model.failedAttempts.map((r) => [r.reason, orNa(r.shipments), r.valueText]),
    numeric: [1, 2],
  };
}

export function coverageTable(model: ReportModel): TextTable {
  return {
    head: ["Circle", "Deliverable PINs", "Serviceable", "Active", "Active ÷ serviceable", "Delivered"],
    rows: model.coverage.rows.map((r) => [
      r.area,
      formatCount(r.pinsDeliverable),
      formatCount(r.pinsServiceable),
      formatCount(r.pinsActive),
      formatFraction(r.activeShare),
      formatCount(r.shipmentsDelivered),
    ]),
    numeric: [1, 2, 3, 4, 5],
  };
}

export function pickupTable(model: ReportModel): TextTable {
  return {
    head: ["Location", "Daily capacity", "Handed over", "Utilisation", "Target", "Attainment", "Status"],
    rows: model.pickup.map((p) => [
      `${p.name} (${p.code})`,
      formatCount(p.dailyCapacity),
      orNa(p.handedOver),
      formatValue(p.value, "PERCENT"),
      formatValue(p.target, "PERCENT"),
      formatFraction(p.attainment),
      p.status,
    ]),
    numeric: [1, 2, 3, 4, 5],
    status: 6,
  };
}

export function provenanceTable(model: ReportModel): TextTable {
  return {
    head: ["Partnership data", "Real rows", "Synthetic rows"],
    rows: model.provenance.rows.map((r) => [r.kind, formatCount(r.real), formatCount(r.synthetic)]),
    numeric: [1, 2],
  };
}

/** Action items with their status now; `withHistory`: how each changed since the review agreed it. */
export function actionItemsTable(items: readonly ActionItemRow[], withHistory: boolean): TextTable {
  return {
    head: ["Agreed", "Action", "Owner", "Due", "Status now", ...(withHistory ? ["Since agreed"] : [])],
    rows: items.map((i) => [i.quarter, i.title, i.owner, i.due, i.status, ...(withHistory ? [[i.recorded, i.note].filter((x) => x !== null).join(". ") || "unchanged"] : [])]),
    numeric: [],
  };
}
