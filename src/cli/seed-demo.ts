import type { Command } from "commander";
import { istDateOf } from "../lib/fiscal-quarter.js";
import { progressBar } from "../lib/progress.js";
import { DEFAULT_DEMO_SEED, describeDemoSeed, seedDemo } from "../modules/demo/demo.seed.js";
import { openConfiguredDatabase } from "./database.js";

function wholeNumber(name: string) {
  return (raw: string): number => {
    const text = raw.replaceAll(/[,_]/g, "");
    if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number; got ${JSON.stringify(raw)}.`);
    return Number(text);
  };
}

function isoDate(raw: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) {
    throw new Error(`--until must be a date written YYYY-MM-DD; got ${JSON.stringify(raw)}.`);
  }
  return raw;
}

/** `dakgraph seed demo`: SYNTHETIC shipments, scans and COD remittances over the real directory. */
export function registerSeedDemo(program: Command): void {
  program
    .command("seed")
    .description("Generate synthetic data")
    .command("demo")
    .description(
      "Generate SYNTHETIC Amazon x India Post demo data over the loaded directory: 13 pickup locations, shipments " +
        "booked from 2021-04-01 to the last complete fiscal quarter before --until, their scans and COD remittances. " +
        "Deterministic: the same options give the same rows. Every row is marked synthetic.",
    )
    .option("--shipments <n>", "how many shipments", wholeNumber("--shipments"), 1_000_000)
    .option("--seed <s>", "random seed", wholeNumber("--seed"), DEFAULT_DEMO_SEED)
    // The generator is a pure function of its options: today's date is read here, never inside it.
    .option("--until <date>", "observe the data as of this IST date (default: today)", isoDate)
    .option("--replace", "delete the synthetic rows already there first (real rows stay)")
    .action(async (options: { shipments: number; seed: number; until?: string; replace?: boolean }) => {
      const until = options.until ?? istDateOf(new Date());
      const { database } = await openConfiguredDatabase();
      try {
        const report = await seedDemo(
          database,
          { shipments: options.shipments, seed: options.seed, until, replace: options.replace === true },
          progressBar(),
        );
        console.log(describeDemoSeed(report));
      } finally {
        await database.close();
      }
    });
}
