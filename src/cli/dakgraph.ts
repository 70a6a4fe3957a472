import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { ConfigError, loadConfig } from "../config.js";
import { openDatabase } from "../db/client.js";
import { MigrationsPendingError, announceWait, migrate } from "../db/migrate.js";
import { progressBar } from "../lib/progress.js";
import { describeLoad, isDirectoryLoaded, loadDirectoryFromPackages } from "../modules/post-office/post-office.directory.js";
import { buildDirectorySnapshot, directorySnapshotPath } from "../modules/post-office/post-office.snapshot.js";
import { createSchema, printSchemaSdl } from "../schema.js";
import { printSubgraphSdl } from "../modules/federation/federation.sdl.js";
import { loadOperationRegistry } from "../server/operation-registry.js";
import { openConfiguredDatabase } from "./database.js";
import { registerPostOfficeImport } from "./import-post-offices.js";
import { registerServiceabilityImport } from "./import-serviceability.js";
import { registerShipmentImport } from "./import-shipments.js";
import { registerExport } from "./export.js";
import { registerKeys } from "./keys.js";
import { registerReport } from "./report.js";
import { registerVerifyKpis } from "./verify-kpis.js";
import { registerSeedDemo } from "./seed-demo.js";
import { logger } from "../server/logger.js";
import { EXIT_CODES_HELP, EXIT_FAILED } from "./exit-codes.js";

/** package.json's version: two levels up from src/cli and dist/cli alike. */
const VERSION = (JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

/**
 * dakgraph's command-line tool. Every importer and tool is a subcommand here.
 * Database commands use the same configuration as the server (DATABASE_URL,
 * DAKGRAPH_DATA_DIR).
 */
const program = new Command()
  .name("dakgraph")
  .description("dakgraph: the GraphQL data platform of the Amazon India x India Post partnership")
  .version(VERSION, "-V, --version", "print the version (package.json) and exit")
  .addHelpText("after", EXIT_CODES_HELP);

const SCHEMA_FILE = path.resolve(import.meta.dirname, "../../schema/schema.graphql");
/** The federation subgraph SDL (`_service { sdl }`), for composing the graph into a supergraph (README "Federation"). */
const SUBGRAPH_FILE = path.resolve(import.meta.dirname, "../../schema/subgraph.graphql");

const schemaCommand = program.command("schema").description("The GraphQL schema files");
schemaCommand
  .command("emit")
  .description(`Write the sorted SDL to ${path.relative(process.cwd(), SCHEMA_FILE)} and the federation subgraph SDL to ${path.relative(process.cwd(), SUBGRAPH_FILE)}`)
  .option("--check", "exit 1 if a committed file differs from the code, write nothing")
  .action(async (options: { check?: boolean }) => {
    const schema = await createSchema();
    const files = [
      { file: SCHEMA_FILE, sdl: printSchemaSdl(schema) },
      { file: SUBGRAPH_FILE, sdl: printSubgraphSdl(schema) },
    ];
    for (const { file, sdl } of files) {
      const name = path.relative(path.resolve(import.meta.dirname, "../.."), file);
      if (options.check) {
        const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        if (current !== sdl) {
          logger.error(`${name} is stale: run \`npm run schema:emit\` and commit it.`, undefined);
          process.exitCode = 1;
        }
        continue;
      }
      fs.writeFileSync(file, sdl);
      logger.info(`Wrote ${file}`);
    }
  });

program
  .command("migrate")
  .description(
    "Apply the pending migrations (drizzle/) to the configured database under a PostgreSQL advisory lock: run it once per " +
      "release before starting servers on DATABASE_URL; two at once take turns and neither fails",
  )
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.databaseUrl === null ? config.dataDir : null,
      connectTimeoutMs: config.dbConnectTimeoutMs,
      // One connection migrates; the second pool is never used here.
      maxConnections: 2,
    });
    try {
      const outcome = await migrate(database, announceWait);
      console.error(
        outcome.applied === 0
          ? `The database is up to date: all ${outcome.expected} migrations applied.`
          : `Applied ${outcome.applied} migration(s); all ${outcome.expected} are applied now.`,
      );
    } finally {
      await database.close();
    }
  });

program
  .command("snapshot")
  .description("Snapshots an empty embedded database starts from")
  .command("directory")
  .description("Build the embedded database's first-start snapshot (migrations and the directory) under node_modules/.cache/dakgraph")
  .option("--if-stale", "do nothing when the snapshot for this code and these packages exists")
  .action(async (options: { ifStale?: boolean }) => {
    if (options.ifStale && fs.existsSync(directorySnapshotPath())) {
      console.error(`Directory snapshot up to date: ${path.relative(process.cwd(), directorySnapshotPath())}`);
      return;
    }
    const { file, bytes, summary } = await buildDirectorySnapshot(progressBar());
    console.error(describeLoad(summary));
    console.error(`Wrote ${path.relative(process.cwd(), file)} (${(bytes / 1e6).toFixed(1)} MB): an empty embedded data directory starts from it.`);
  });

const loadCommand = program.command("load").description("Load reference data");
loadCommand
  .command("directory")
  .description("Load the All India Pincode Directory from the npm packages into an empty database")
  .action(async () => {
    const { database } = await openConfiguredDatabase();
    try {
      if (await isDirectoryLoaded(database)) {
        logger.info("The database already holds post offices: nothing loaded. Use `dakgraph import post-offices` to update.");
        return;
      }
      logger.info(describeLoad(await loadDirectoryFromPackages(database, progressBar())));
    } finally {
      await database.close();
    }
  });

program
  .command("operations")
  .description(
    "List the registered operations (src/operations/*.graphql): the allowlist that DAKGRAPH_OPERATIONS=allowlist enforces, " +
      "with the sha256 a client sends as extensions.persistedQuery.sha256Hash or documentId",
  )
  .option("--text", "print each operation's canonical text too")
  .action((options: { text?: boolean }) => {
    const registry = [...loadOperationRegistry().values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const op of registry) {
      console.log(`${op.hash}  ${op.name}`);
      if (options.text) console.log(`${op.text}\n`);
    }
    logger.info(`${registry.length} registered operations.`);
  });

const importCommand = program.command("import").description("Import data files (idempotent upserts)");
registerPostOfficeImport(importCommand);
registerShipmentImport(importCommand);
registerServiceabilityImport(importCommand);
registerKeys(program);
registerSeedDemo(program);
registerVerifyKpis(program);
registerReport(program);
registerExport(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // A configuration error or a refusal (the data directory is locked) reads best as its message alone; anything else keeps its stack.
  if (error instanceof ConfigError || !(error instanceof Error)) logger.error(String(error instanceof Error ? error.message : error), undefined);
  else logger.error(error.message, error);
  process.exitCode = 1;
  console.error(error instanceof ConfigError || error instanceof MigrationsPendingError ? error.message : error instanceof Error ? error.message : error);
  process.exitCode = EXIT_FAILED;
}
