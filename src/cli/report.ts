import path from "node:path";
import type { Command } from "commander";
import { type FiscalQuarter, formatFiscalQuarter, parseFiscalQuarter } from "../lib/fiscal-quarter.js";
import { httpGraph, inProcessGraph, parseScopeOption, type ReportGraph, REPORT_VIEWER } from "../report/report.data.js";
import { findChromium } from "../report/report.pdf.js";
import { writeQuarterlyReport } from "../report/report.write.js";
import { openConfiguredDatabase } from "./database.js";
import { logger } from "../server/logger.js";

/**
 * `dakgraph report quarterly --quarter "Q3 FY2024-25" [--out DIR] [--endpoint URL] [--scope KIND:KEY]`:
 * the quarterly review report (HTML, Markdown, KPI CSV, PDF) from the graph's typed operations, read
 * in-process over the configured database (as an ANALYST + FINANCE viewer), or from a dakgraph endpoint
 * with the key in DAKGRAPH_API_KEY. The PDF needs Chromium (CHROMIUM_PATH or /usr/bin/chromium).
 */
export function registerReport(program: Command): void {
  program
    .command("report")
    .description("Documents made from the graph")
    .command("quarterly")
    .description("The quarterly review report: HTML, Markdown, the KPI table as CSV, and a PDF where Chromium is installed")
    .requiredOption("--quarter <quarter>", 'the quarter, e.g. "Q3 FY2024-25", "Q3 FY25" or FY2024-25-Q3', (raw: string) => parseFiscalQuarter(raw, "--quarter"))
    .option("--out <dir>", "where to write the files (default ./reports/<quarter>/)")
    .option("--endpoint <url>", "read a dakgraph endpoint over HTTP (e.g. http://localhost:4000/graphql) with the key in DAKGRAPH_API_KEY, instead of the in-process graph")
    .option("--scope <kind:key>", "the KPIs' scope, e.g. CIRCLE:Maharashtra, PICKUP_LOCATION:SYN-DEL (default national)")
    .action(async (options: { quarter: FiscalQuarter; out?: string; endpoint?: string; scope?: string }) => {
      const started = performance.now();
      const scope = parseScopeOption(options.scope);
      const outDir = path.resolve(options.out ?? path.join("reports", formatFiscalQuarter(options.quarter)));
      // The CLI, like config.ts, reads the environment once and hands plain values down.
      const chromium = findChromium(process.env.CHROMIUM_PATH);
      let graph: ReportGraph;
      let close: () => Promise<void>;
      if (options.endpoint !== undefined) {
        const key = process.env.DAKGRAPH_API_KEY ?? "";
        if (key === "") logger.warn("DAKGRAPH_API_KEY is not set: reading the endpoint without credentials (KPIs need a key with ANALYST and FINANCE).");
        graph = httpGraph(options.endpoint, key === "" ? null : key);
        close = () => graph.close();
      } else {
        const { config, database } = await openConfiguredDatabase();
        graph = await inProcessGraph(config, database);
        logger.info(`Reading the in-process graph as "${REPORT_VIEWER.name}" (roles ${REPORT_VIEWER.roles.join(" + ")}).`);
        close = async () => {
          await graph.close();
          await database.close();
        };
      }
      try {
        const report = await writeQuarterlyReport(graph, { quarter: options.quarter, scope }, outDir, { chromium });
        if (report.model.synthetic) logger.warn("SYNTHETIC DATA: the graph holds demo data; every page of the report carries the banner.");
        for (const file of Object.values(report.files)) if (file !== null) console.log(path.relative(process.cwd(), file));
        if (report.pdfSkipped !== null) logger.warn(report.pdfSkipped);
        const s = (ms: number) => (ms / 1000).toFixed(1);
        logger.info(
          `Report ${report.model.label} (${report.model.scopeName}) written to ${path.relative(process.cwd(), outDir) || "."} in ${s(performance.now() - started)} s ` +
            `(graph ${s(report.milliseconds.graph)} s, charts and files ${s(report.milliseconds.render)} s, PDF ${s(report.milliseconds.pdf)} s).`,
        );
      } finally {
        await close();
      }
    });
}
