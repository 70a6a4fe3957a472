import "reflect-metadata";
import path from "node:path";
import { ConfigError, loadConfig } from "./config.js";
import { openDatabase } from "./db/client.js";
import { DataDirectoryLockedError, recordServerUrl } from "./db/data-dir-lock.js";
import { MigrationsPendingError, prepareSchema } from "./db/migrate.js";
import { abandonedAfterMs, scheduleAbandonedAuditSweep } from "./modules/access/access.audit.js";
import { createFirstAdminKey } from "./modules/access/access.keys.js";
import { istDateOf } from "./lib/fiscal-quarter.js";
import { progressBar } from "./lib/progress.js";
import { describeDemoSeed, seedDemoIfEmpty } from "./modules/demo/demo.seed.js";
import { describeLoad, isDirectoryLoaded, loadDirectoryFromPackages } from "./modules/post-office/post-office.directory.js";
import { snapshotForEmptyDataDir } from "./modules/post-office/post-office.snapshot.js";
import { scheduleBookingPartitions } from "./modules/shipment/shipment-partition.repository.js";
import { createSchema } from "./schema.js";
import { createApolloServer } from "./server/apollo.js";
import { DASHBOARD_PATH } from "./server/dashboard.js";
import { listen } from "./server/http.js";
import { logger } from "./server/logger.js";
import { createTelemetry } from "./server/telemetry.js";
import { startTracing } from "./server/tracing.js";

async function main(): Promise<void> {
  const started = performance.now();
  // Seconds per start step, printed with the ready line: the first start's cost is in the loads, a restart's in opening and schema.
  const steps: string[] = [];
  let stepStarted = started;
  const step = (name: string) => {
    const now = performance.now();
    steps.push(`${name} ${((now - stepStarted) / 1000).toFixed(1)}`);
    stepStarted = now;
  };
  const config = loadConfig();
  const tracing = config.otlpEndpoint === null ? null : startTracing(config.otlpEndpoint);
  const snapshot = config.databaseUrl === null && config.loadDirectoryOnStart ? snapshotForEmptyDataDir(config.dataDir) : null;
  if (snapshot !== null) logger.info(`Empty data directory: starting from the directory snapshot ${path.relative(process.cwd(), snapshot.file)} (built by npm install)`);
  const opening = openDatabase({
    ...(tracing === null ? {} : { tracer: tracing.tracer }),
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl === null ? config.dataDir : null,
    statementTimeoutMs: config.statementTimeoutMs,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    maxConnections: config.poolMax,
    ...(snapshot === null ? {} : { initialDataDir: snapshot.blob }),
  });
  // The schema needs no database: built while PGlite compiles its WebAssembly, which runs off the main thread.
  const schemaBuilt = createSchema();
  schemaBuilt.catch(() => {});
  const database = await opening;
  step("open+schema");
  try {
    const migrated = await prepareSchema(database, config.migrateOnStart);
    if (migrated !== null && migrated.applied > 0) logger.info(`Applied ${migrated.applied} of ${migrated.expected} migrations.`);
  } catch (error) {
    // An open postgres.js pool would keep the process alive after the error is reported.
    await database.close();
    throw error;
  }
  step("migrations");
  // This quarter's and the coming quarters' partitions, before any booking needs them, then daily.
  await scheduleBookingPartitions(database.db, (error) => logger.error("creating the coming quarters' shipment partitions failed; retried tomorrow, and every write creates its own", error)).ready;
  if (config.loadDirectoryOnStart && !(await isDirectoryLoaded(database))) {
    logger.info("Empty database: loading India Post's All India Pincode Directory from the npm packages (`dakgraph snapshot directory` makes the next empty start faster)…");
    logger.info(describeLoad(await loadDirectoryFromPackages(database, progressBar())));
    step("directory");
  }
  if (config.seedDemoOnStart) {
    const demo = await seedDemoIfEmpty(database, config.demoShipments, istDateOf(new Date()), progressBar());
    if (demo !== null) {
      logger.info(describeDemoSeed(demo));
      step("demo");
    }
  }
  // A local embedded database starts with no keys: print one so the explorer can use restricted fields.
  const firstKey = config.databaseUrl === null ? await createFirstAdminKey(database.db) : null;
  if (firstKey !== null) {
    // Printed on purpose, once: the one place a key's secret is written to the log (the operator's own first key).
    logger.info(`First start: created an ADMIN API key (shown once; \`dakgraph keys\` manages keys). In the explorer's headers:\n  {"Authorization": "Bearer ${firstKey}"}`);
  }
  step("keys");
  const schema = await schemaBuilt;
  const telemetry = createTelemetry(config, database, { tracer: tracing?.tracer ?? null });
  const apollo = createApolloServer(schema, config, { telemetry });
  await apollo.start();
  step("apollo");
  const server = await listen({ config, database, apollo, telemetry });
  step("listen");
  if (config.databaseUrl === null) recordServerUrl(config.dataDir, server.url);
  scheduleAbandonedAuditSweep(
    database.db,
    abandonedAfterMs(config),
    (closed) => logger.warn(`audit log: ${closed} mutation(s) left PENDING by a process that ended before finishing them closed as ABANDONED`),
    (error) => logger.error("audit log: closing abandoned entries failed; the next start retries", error),
  );
  const where = config.databaseUrl === null ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL server (DATABASE_URL)";
  const extras = [
    ...(server.metricsUrl === null ? [] : [`metrics at ${server.metricsUrl}`]),
    ...(tracing === null ? [] : [`traces to ${config.otlpEndpoint}`]),
  ];
  logger.info(
    `dakgraph serving ${server.url} (the explorer in a browser; the dashboard at ${new URL(DASHBOARD_PATH, server.url).href}) on ${where}; ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${steps.join(", ")} s)${extras.length === 0 ? "" : `; ${extras.join(", ")}`}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting for running requests`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: draining, ${server.inFlight} requests in flight (up to ${config.shutdownGraceMs} ms, DAKGRAPH_SHUTDOWN_GRACE_MS)`);
    await server.close(config.shutdownGraceMs);
    await apollo.stop();
    await database.close();
    // The last requests' spans leave before the process does.
    await tracing?.shutdown().catch((error: unknown) => logger.error("sending the last traces failed", error));
    logger.info("dakgraph stopped");
    process.exit(0);
  };
  const fail = (error: unknown) => {
    logger.error("shutdown failed", error);
    process.exit(1);
  };
  process.on("SIGINT", () => stop("SIGINT").catch(fail));
  process.on("SIGTERM", () => stop("SIGTERM").catch(fail));
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof DataDirectoryLockedError || error instanceof MigrationsPendingError;
  if (known) logger.error(error.message, undefined);
  else logger.error("dakgraph could not start", error);
  process.exit(1);
});
