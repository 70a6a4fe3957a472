import "reflect-metadata";
import path from "node:path";
import { ConfigError, loadConfig } from "./config.js";
import { openDatabase } from "./db/client.js";
import { DataDirectoryLockedError, recordServerUrl } from "./db/data-dir-lock.js";
import { migrate } from "./db/migrate.js";
import { abandonedAfterMs, scheduleAbandonedAuditSweep } from "./modules/access/access.audit.js";
import { createFirstAdminKey } from "./modules/access/access.keys.js";
import { istDateOf } from "./lib/fiscal-quarter.js";
import { progressBar } from "./lib/progress.js";
import { describeDemoSeed, seedDemoIfEmpty } from "./modules/demo/demo.seed.js";
import { describeLoad, isDirectoryLoaded, loadDirectoryFromPackages } from "./modules/post-office/post-office.directory.js";
import { snapshotForEmptyDataDir } from "./modules/post-office/post-office.snapshot.js";
import { createSchema } from "./schema.js";
import { createApolloServer } from "./server/apollo.js";
import { listen } from "./server/http.js";

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
  const snapshot = config.databaseUrl === null && config.loadDirectoryOnStart ? snapshotForEmptyDataDir(config.dataDir) : null;
  if (snapshot !== null) console.error(`Empty data directory: starting from the directory snapshot ${path.relative(process.cwd(), snapshot.file)} (built by npm install)`);
  const opening = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl === null ? config.dataDir : null,
    statementTimeoutMs: config.statementTimeoutMs,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    ...(snapshot === null ? {} : { initialDataDir: snapshot.blob }),
  });
  // The schema needs no database: built while PGlite compiles its WebAssembly, which runs off the main thread.
  const schemaBuilt = createSchema();
  schemaBuilt.catch(() => {});
  const database = await opening;
  step("open+schema");
  await migrate(database);
  step("migrations");
  if (config.loadDirectoryOnStart && !(await isDirectoryLoaded(database))) {
    console.error("Empty database: loading India Post's All India Pincode Directory from the npm packages (`dakgraph snapshot directory` makes the next empty start faster)…");
    console.error(describeLoad(await loadDirectoryFromPackages(database, progressBar())));
    step("directory");
  }
  if (config.seedDemoOnStart) {
    const demo = await seedDemoIfEmpty(database, config.demoShipments, istDateOf(new Date()), progressBar());
    if (demo !== null) {
      console.error(describeDemoSeed(demo));
      step("demo");
    }
  }
  // A local embedded database starts with no keys: print one so the explorer can use restricted fields.
  const firstKey = config.databaseUrl === null ? await createFirstAdminKey(database.db) : null;
  if (firstKey !== null) {
    console.error(`First start: created an ADMIN API key (shown once; \`dakgraph keys\` manages keys). In the explorer's headers:\n  {"Authorization": "Bearer ${firstKey}"}`);
  }
  step("keys");
  const schema = await schemaBuilt;
  const apollo = createApolloServer(schema, config);
  await apollo.start();
  step("apollo");
  const server = await listen({ config, database, apollo });
  step("listen");
  if (config.databaseUrl === null) recordServerUrl(config.dataDir, server.url);
  scheduleAbandonedAuditSweep(
    database.db,
    abandonedAfterMs(config),
    (closed) => console.error(`audit log: ${closed} mutation(s) left PENDING by a process that ended before finishing them closed as ABANDONED`),
    (error) => console.error("audit log: closing abandoned entries failed; the next start retries", error),
  );
  const where = config.databaseUrl === null ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL server (DATABASE_URL)";
  console.error(`dakgraph serving ${server.url} on ${where}; ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${steps.join(", ")} s)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting for running requests`);
      process.exit(1);
    }
    stopping = true;
    console.error(`${signal}: draining, ${server.inFlight} requests in flight (up to ${config.shutdownGraceMs} ms, DAKGRAPH_SHUTDOWN_GRACE_MS)`);
    await server.close(config.shutdownGraceMs);
    await apollo.stop();
    await database.close();
    console.error("dakgraph stopped");
    process.exit(0);
  };
  const fail = (error: unknown) => {
    console.error("shutdown failed:", error);
    process.exit(1);
  };
  process.on("SIGINT", () => stop("SIGINT").catch(fail));
  process.on("SIGTERM", () => stop("SIGTERM").catch(fail));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof DataDirectoryLockedError ? error.message : error);
  process.exit(1);
});
