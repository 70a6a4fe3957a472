import { formatValue } from "./report.format.js";
import { SECTION_IDS } from "./report.html.js";
import type { ActionItemRow, ReportModel } from "./report.model.js";
import { chartLabel } from "./report.model.js";
import { actionItemsTable, coverageTable, failedAttemptsTable, pickupTable, provenanceTable, type TextTable } from "./report.tables.js";

/*
 * The report as Markdown (for wikis, e-mail and review minutes): the same sections as the HTML, with each
 * chart's series as a table.
 */

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function table(head: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = []): string {
  const align = head.map((_, i) => (numeric.includes(i) ? "---:" : "---"));
  return [head, align, ...rows].map((r) => `| ${r.map(cell).join(" | ")} |`).join("\n");
}

const textTable = (t: TextTable) => table(t.head, t.rows, t.numeric);

const heading = (id: (typeof SECTION_IDS)[number][0], suffix = "") => `## ${SECTION_IDS.find(([key]) => key === id)![1]}${suffix}`;

function actionItems(items: readonly ActionItemRow[], withHistory: boolean): string {
  const t = actionItemsTable(items, withHistory);
  return table(t.head, t.rows.map((row) => row.map((cell, i) => (i === 4 ? `**${cell}**` : cell))));
}

export function renderMarkdown(model: ReportModel): string {
  const banner = model.synthetic ? `> **⚠ ${model.syntheticText}**\n` : "";
  const bullets = (items: readonly { text: string }[], empty: string) => (items.length === 0 ? `_${empty}_` : items.map((i) => `- ${i.text}`).join("\n"));
  const review = model.review;
  const national = model.scoped ? " (national)" : "";
  const parts = [
    `# Quarterly review report: ${model.label}`,
    banner,
    `**${model.partners}**`,
    "",
    `- Period: ${model.periodText}`,
    `- Scope: ${model.scopeName}${model.scoped ? "" : " (national)"}`,
    `- Data as of: ${model.readAtText} (when the graph was read)`,
    `- Source: ${model.source}`,
    "",
    heading("headline"),
    "",
    table(
      ["KPI", model.shortLabel, "QoQ", "YoY"],
      model.headline.map((k) => [k.name, k.headlineText, k.quarterOnQuarter.text, k.yearOnYear.text]),
      [1, 2, 3],
    ),
    "",
    heading("highlights"),
    "",
    model.highlights.summary,
    "",
    "**Largest moves for the better**",
    "",
    bullets(model.highlights.improved, "No KPI improved quarter on quarter."),
    "",
    "**Largest moves for the worse**",
    "",
    bullets(model.highlights.worsened, "No KPI worsened quarter on quarter."),
    "",
    "**Targets missed**",
    "",
    bullets(model.highlights.missed, "No target was missed."),
    "",
    heading("trends"),
    "",
    `### Delivered volume, last ${model.trend.delivered.length} quarters`,
    "",
    table(["Quarter", "Delivered"], model.trend.delivered.map((p) => [p.current ? `**${p.label}**` : p.label, p.value === null ? "n/a" : chartLabel(p.value, "SHIPMENTS")]), [1]),
    "",
    "### On-time delivery, first-attempt delivery and RTO",
    "",
    table(
      ["Quarter", ...model.trend.quality.map((s) => s.name)],
      model.trend.delivered.map((p, i) => [p.label, ...model.trend.quality.map((s) => formatValue(s.points[i]?.value ?? null, "PERCENT"))]),
      model.trend.quality.map((_, i) => i + 1),
    ),
    "",
    "### Cash on delivery: collected, remitted and outstanding",
    "",
    table(
      ["Quarter", "Collected", "Remitted", "Outstanding"],
      model.trend.cod.map((q) => [q.label, ...[q.collected, q.remitted, q.outstanding].map((v) => (v === null ? "n/a" : chartLabel(v, "RUPEES")))]),
      [1, 2, 3],
    ),
    "",
    model.remittanceCycleText,
    "",
    "### Failed delivery attempts by reason",
    "",
    textTable(failedAttemptsTable(model)),
    "",
    heading("coverage", national),
    "",
    `${model.coverage.changeText} Serviceability as of ${model.coverage.asOf}.`,
    "",
    textTable(coverageTable(model)),
    "",
    heading("pickup", national),
    "",
    textTable(pickupTable(model)),
    "",
    heading("targets"),
    "",
    table(
      ["KPI", "Value", "Target", "Attainment", "Status", "QoQ", "YoY"],
      model.kpis.map((k) => [k.name, k.valueText, k.targetText, k.attainmentText, k.status, k.quarterOnQuarter.text, k.yearOnYear.text]),
      [1, 2, 3, 5, 6],
    ),
    "",
    heading("actions"),
    "",
    `### Action items of the previous review${review.previousQuarter === null ? "" : ` (${review.previousQuarter}, held ${review.previousHeldOn})`}, status now`,
    "",
    review.previousActionItems.length === 0 ? "_No previous review is recorded._" : actionItems(review.previousActionItems, true),
    "",
    "### This quarter's review",
    "",
    review.heldOn === null
      ? `_No review of ${model.shortLabel} is recorded yet._`
      : [
          `Held ${review.heldOn}. Participants: ${review.participants.join("; ")}.`,
          "",
          review.summary ?? "",
          ...(review.decisions.length === 0 ? [] : ["", "**Decisions**", "", ...review.decisions.map((d) => `- ${d}`)]),
          ...(review.actionItems.length === 0 ? [] : ["", actionItems(review.actionItems, false)]),
        ].join("\n"),
    "",
    heading("definitions"),
    "",
    model.definitions.map((d) => `- **${d.name}** (${d.unit.toLowerCase()}, ${d.direction === "HIGHER_IS_BETTER" ? "higher" : "lower"} is better): ${d.definition}`).join("\n"),
    "",
    heading("sources"),
    "",
    banner,
    `Every figure was read from ${model.source} through the typed operations in src/operations/report.graphql, at ${model.readAtText}.`,
    "",
    model.provenance.attribution,
    "",
    textTable(provenanceTable(model)),
    "",
  ];
  return parts.join("\n");
}
