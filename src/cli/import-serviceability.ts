import type { Command } from "commander";
import { importServiceabilityCsv } from "../modules/coverage/coverage.import.js";
import { openConfiguredDatabase } from "./database.js";
import { exitForRejects } from "./exit-codes.js";

/** `dakgraph import serviceability --csv FILE`: serviceability periods per PIN (PIN, from, to, channel). */
export function registerServiceabilityImport(importCommand: Command): void {
  importCommand
    .command("serviceability")
    .description(
      "Import serviceability periods from CSV (PIN, from, to, channel): same rules as setServiceability; overlapping periods of a " +
        "PIN are rejected with both ranges named; the same file again changes nothing",
    )
    .requiredOption("--csv <file>", "the CSV file")
    .action(async (options: { csv: string }) => {
      const { database } = await openConfiguredDatabase();
      try {
        const r = await importServiceabilityCsv(database, options.csv);
        console.log(`${r.file}: ${r.rows} rows: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rejects.length} rejected.`);
        for (const reject of r.rejects) console.log(`  line ${reject.line}: ${reject.reason}`);
        exitForRejects(r.rejects.length);
      } finally {
        await database.close();
      }
    });
}
