import type { Command } from "commander";
import { progressBar } from "../lib/progress.js";
import { describeImport, describeRejects, importPostOfficeCsv } from "../modules/post-office/post-office.import.js";
import { openConfiguredDatabase } from "./database.js";
import { exitForRejects } from "./exit-codes.js";

/** `dakgraph import post-offices --csv FILE`: the data.gov.in All India Pincode Directory CSV. */
export function registerPostOfficeImport(importCommand: Command): void {
  importCommand
    .command("post-offices")
    .description(
      "Import the All India Pincode Directory CSV from data.gov.in (current or legacy layout): offices are " +
        "upserted on (PIN, normalised name), blank or NA cells keep stored values, invalid rows are reported",
    )
    .requiredOption("--csv <file>", "the CSV file")
    .action(async (options: { csv: string }) => {
      const { database } = await openConfiguredDatabase();
      try {
        const report = await importPostOfficeCsv(database, options.csv, { progress: progressBar() });
        console.log(describeImport(report));
        for (const line of describeRejects(report)) console.log(line);
        exitForRejects(report.rejects.length);
      } finally {
        await database.close();
      }
    });
}
