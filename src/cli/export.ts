import fs from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { Command } from "commander";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { Role } from "../modules/access/access.roles.js";
import { createAuthenticator, testViewer, type Viewer } from "../modules/access/access.viewer.js";
import { createSchema } from "../schema.js";
import { createApolloServer } from "../server/apollo.js";
import { type ExportOutcome, ExportRefused, parseExportVariables, prepareExport } from "../server/export.js";
import { logger } from "../server/logger.js";
import { openConfiguredDatabase } from "./database.js";
import { EXIT_FAILED } from "./exit-codes.js";

/**
 * Who an in-process export reads as without a key: the quarterly report's reader (aggregates and COD amounts),
 * not ADMIN, so the allowlist and every access rule apply as to a partner's key. Per-shipment details need a key.
 */
export const EXPORT_VIEWER = testViewer([Role.ANALYST, Role.FINANCE], { organisation: "PARTNERSHIP", name: "dakgraph export (in-process)" });

export interface InProcessExport {
  readonly operation: string;
  /** The operation's variables as JSON text, as GET /export takes them. */
  readonly variables?: string;
  /** An API key or JWT; null reads as EXPORT_VIEWER. */
  readonly apiKey: string | null;
}

/** The viewer of a key, checked as the HTTP server checks it (revoked, unknown and malformed keys refused). */
async function viewerOf(config: Config, database: Database, apiKey: string | null): Promise<Viewer> {
  if (apiKey === null) return EXPORT_VIEWER;
  return createAuthenticator(config, database)(`Bearer ${apiKey}`, "cli");
}

/**
 * The export GET /export answers, without an HTTP server: the real schema and Apollo server over the database,
 * the same plan, pages and CSV. `open` is called only once the first page is answered, so a refusal creates no file.
 */
export async function exportInProcess(config: Config, database: Database, request: InProcessExport, open: () => Writable): Promise<ExportOutcome> {
  const viewer = await viewerOf(config, database, request.apiKey);
  const apollo = createApolloServer(await createSchema(), config);
  await apollo.start();
  try {
    const source = { apollo, config, database, viewer, requestId: `export-${Date.now()}` };
    const prepared = await prepareExport(source, request.operation, parseExportVariables(request.variables));
    const out = open();
    let failed: Error | null = null;
    out.once("error", (error) => (failed = error));
    const outcome = await prepared.write({
      async write(text) {
        if (failed !== null) throw failed;
        if (!out.write(text)) await Promise.race([once(out, "drain"), once(out, "close")]);
      },
      stopped: () => null,
    });
    out.end();
    if (out !== process.stdout) await once(out, "finish");
    if (failed !== null) throw failed;
    return outcome;
  } finally {
    await apollo.stop();
  }
}

/** `dakgraph export --operation NAME [--variables JSON] [--out FILE]`: a registered operation's rows as CSV. */
export function registerExport(program: Command): void {
  program
    .command("export")
    .description(
      "A registered operation's connection nodes or list rows as CSV (as GET /export answers it), read in-process over the configured " +
        "database as the key in DAKGRAPH_API_KEY (or --api-key), else as an ANALYST + FINANCE reader",
    )
    .requiredOption("--operation <name>", "the registered operation (`dakgraph operations` lists them), e.g. ShipmentsExport")
    .option("--variables <json>", 'its variables as a JSON object, e.g. \'{"filter": {"status": ["DELIVERED"]}}\'')
    .option("--out <file>", "write the CSV here (default: standard output)")
    .option("--api-key <key>", "read as this API key or JWT (prefer DAKGRAPH_API_KEY: a command line shows in the process list)")
    .action(async (options: { operation: string; variables?: string; out?: string; apiKey?: string }) => {
      // The CLI, like config.ts, reads the environment once and hands plain values down.
      const key = options.apiKey ?? process.env.DAKGRAPH_API_KEY ?? "";
      const { config, database } = await openConfiguredDatabase();
      try {
        if (key === "") logger.info(`No DAKGRAPH_API_KEY: reading as "${EXPORT_VIEWER.name}" (roles ${EXPORT_VIEWER.roles.join(" + ")}).`);
        const request = { operation: options.operation, ...(options.variables === undefined ? {} : { variables: options.variables }), apiKey: key === "" ? null : key };
        const outcome = await exportInProcess(config, database, request, () => (options.out === undefined ? process.stdout : fs.createWriteStream(options.out)));
        if (outcome.error !== null) {
          logger.error(`The export stopped after ${outcome.rows} rows: ${outcome.error.code}: ${outcome.error.message}`, undefined);
          process.exitCode = EXIT_FAILED;
        } else {
          logger.info(`Exported ${outcome.rows} rows (${outcome.pages} pages)${options.out === undefined ? "" : ` to ${options.out}`}.`);
        }
      } catch (error) {
        if (!(error instanceof ExportRefused)) throw error;
        console.error(JSON.stringify({ errors: error.errors }, null, 2));
        process.exitCode = EXIT_FAILED;
      } finally {
        await database.close();
      }
    });
}
