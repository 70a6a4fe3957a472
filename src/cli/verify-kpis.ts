import type { Command } from "commander";
import { allowLargeAggregation, diffKpiRollups, rebuildKpiRollups } from "../modules/kpi/kpi-rollup.repository.js";
import { openConfiguredDatabase } from "./database.js";
import { logger } from "../server/logger.js";

/**
 * `dakgraph verify kpis [--rebuild]`: compares the KPI rollups (kpi_rollup, kpi_histogram, kpi_pin_quarter)
 * with a recomputation from the shipment, remittance, serviceability and delivery rows. Exit code 0 when
 * they agree, 1 with the first disagreements listed otherwise. --rebuild recomputes them first (after a
 * database was restored, or loaded by a tool other than dakgraph).
 */
export function registerVerifyKpis(program: Command): void {
  program
    .command("verify")
    .description("Check derived data against the raw rows")
    .command("kpis")
    .description("Compare the KPI rollups with a recomputation from the raw rows; exit 1 when they disagree")
    .option("--rebuild", "recompute the rollups from the raw rows first (in one transaction)")
    .action(async (options: { rebuild?: boolean }) => {
      const { database } = await openConfiguredDatabase();
      try {
        if (options.rebuild) {
          const started = performance.now();
          const rebuilt = await database.transaction(({ db }) => rebuildKpiRollups(db));
          console.log(
            `Rebuilt the KPI rollups in ${((performance.now() - started) / 1000).toFixed(1)} s: ${rebuilt.rollupRows} rollup rows, ${rebuilt.histogramRows} histogram rows.`,
          );
        }
        const started = performance.now();
        const differences = await database.transaction(async ({ db }) => {
          await allowLargeAggregation(db);
          return diffKpiRollups(db);
        });
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        if (differences.length === 0) {
          console.log(`KPI rollups agree with a recomputation from the raw rows (checked in ${seconds} s).`);
          return;
        }
        logger.error(
          `KPI rollups disagree with a recomputation in ${differences.length}${differences.length >= 100 ? "+" : ""} places (checked in ${seconds} s). ` +
            "Run `dakgraph verify kpis --rebuild` to recompute them, and report the write path that missed its delta.",
          undefined,
          {
            differences: differences
              .slice(0, 20)
              .map((d) => `${d.table} ${d.quarter} ${d.scopeKind}${d.scopeKey ? ` ${d.scopeKey}` : ""} ${d.measure}: stored ${d.stored}, recomputed ${d.recomputed}`),
          },
        );
        process.exitCode = 1;
      } finally {
        await database.close();
      }
    });
}
