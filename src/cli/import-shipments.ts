import type { Command } from "commander";
import { progressBar } from "../lib/progress.js";
import { describeShipmentImport, describeShipmentRejects, importShipmentsFile } from "../modules/shipment/shipment.import.js";
import { openConfiguredDatabase } from "./database.js";
import { exitForRejects } from "./exit-codes.js";

/** `dakgraph import shipments --file FILE`: shipments and/or scan events, CSV or NDJSON. */
export function registerShipmentImport(importCommand: Command): void {
  importCommand
    .command("shipments")
    .description(
      "Import shipments and/or scan events from CSV or NDJSON (a record with an `event` field is a scan). Same " +
        "validation and idempotency as recordShipments/recordScanEvents; bad records are reported by line, the rest load; " +
        "an unreadable file writes nothing",
    )
    .requiredOption("--file <file>", "the CSV (.csv) or NDJSON (.ndjson, .jsonl) file")
    .action(async (options: { file: string }) => {
      const { database } = await openConfiguredDatabase();
      try {
        const report = await importShipmentsFile(database, options.file, { progress: progressBar() });
        console.log(describeShipmentImport(report));
        for (const line of describeShipmentRejects(report)) console.log(line);
        exitForRejects(report.rejected);
      } finally {
        await database.close();
      }
    });
}
