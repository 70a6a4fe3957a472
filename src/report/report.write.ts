import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { renderCharts } from "./report.charts.js";
import { renderKpiCsv } from "./report.csv.js";
import { fetchReportData, type ReportData, type ReportGraph, type ReportRequest } from "./report.data.js";
import { renderHtml } from "./report.html.js";
import { renderMarkdown } from "./report.markdown.js";
import { buildReportModel, type ReportModel } from "./report.model.js";
import { printPdf } from "./report.pdf.js";

export interface WrittenReport {
  readonly data: ReportData;
  readonly model: ReportModel;
  readonly files: { readonly html: string; readonly markdown: string; readonly csv: string; readonly pdf: string | null };
  /** Why there is no PDF, when there is none. */
  readonly pdfSkipped: string | null;
  readonly milliseconds: { readonly graph: number; readonly render: number; readonly pdf: number };
}

/** "quarterly-review-FY2024-25-Q3" (+ "-circle-maharashtra" for a scoped report). */
export function reportBaseName(data: ReportData): string {
  const scope = data.scope === null ? "" : `-${data.scope.kind}-${data.scope.key ?? ""}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+$/, "");
  return `quarterly-review-${data.quarter}${scope}`;
}

/**
 * Reads the graph and writes the report's HTML, Markdown, KPI CSV and (with `chromium`) PDF into `outDir`.
 * `chromium` null: no PDF, and `pdfSkipped` says why.
 */
export async function writeQuarterlyReport(
  graph: ReportGraph,
  request: ReportRequest,
  outDir: string,
  options: { chromium: string | null },
): Promise<WrittenReport> {
  const started = performance.now();
  const data = await fetchReportData(graph, request);
  const fetched = performance.now();
  const model = buildReportModel(data);
  const charts = await renderCharts(model);
  const current = data.trend.find((q) => q.quarter === data.quarter)!;

  await mkdir(outDir, { recursive: true });
  const base = path.join(outDir, reportBaseName(data));
  const files = { html: `${base}.html`, markdown: `${base}.md`, csv: `${base}.kpis.csv` };
  await writeFile(files.html, renderHtml(model, charts));
  await writeFile(files.markdown, renderMarkdown(model));
  await writeFile(files.csv, renderKpiCsv(current));
  const rendered = performance.now();

  let pdf: string | null = null;
  let pdfSkipped: string | null = null;
  if (options.chromium === null) {
    pdfSkipped = "No Chromium found (set CHROMIUM_PATH, or install one: apt-get install chromium): the PDF was not made; the HTML prints to the same layout from any browser.";
  } else {
    pdf = `${base}.pdf`;
    await printPdf(options.chromium, files.html, pdf);
  }
  const printed = performance.now();
  return {
    data,
    model,
    files: { ...files, pdf },
    pdfSkipped,
    milliseconds: { graph: fetched - started, render: rendered - fetched, pdf: printed - rendered },
  };
}
