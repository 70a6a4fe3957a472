import { ConfigError, loadConfig } from "./config.js";
import { openDatabase } from "./db/client.js";
import { migrate } from "./db/migrate.js";
import { progressBar } from "./lib/progress.js";
import { describeLoad, isDirectoryLoaded, loadDirectoryFromPackages } from "./modules/post-office/post-office.directory.js";
import { createSchema } from "./schema.js";
import { createApolloServer } from "./server/apollo.js";
import { listen } from "./server/http.js";

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl === null ? config.dataDir : null });
  await migrate(database);
  if (config.loadDirectoryOnStart && !(await isDirectoryLoaded(database))) {
    console.error("Empty database: loading India Post's All India Pincode Directory from the npm packages…");
    console.error(describeLoad(await loadDirectoryFromPackages(database, progressBar())));
  }
  const schema = await createSchema();
  const apollo = createApolloServer(schema, config);
  await apollo.start();
  const server = await listen({ config, database, apollo });
  const where = config.databaseUrl === null ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL server (DATABASE_URL)";
  console.error(`dakgraph serving ${server.url} on ${where}; ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const stop = async (signal: string) => {
    console.error(`${signal}: shutting down`);
    await server.close();
    await apollo.stop();
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
