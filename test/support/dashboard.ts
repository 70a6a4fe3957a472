import { loadConfig } from "../../src/config.js";
import { buildDashboard } from "../../src/dashboard/build.mjs";
import { istDateOf } from "../../src/lib/fiscal-quarter.js";
import { progressBar } from "../../src/lib/progress.js";
import { seedDemo } from "../../src/modules/demo/demo.seed.js";
import { createSchema } from "../../src/schema.js";
import { createApolloServer } from "../../src/server/apollo.js";
import { DASHBOARD_BUILD_DIRS } from "../../src/server/dashboard.js";
import { listen, type RunningServer } from "../../src/server/http.js";
import { createDirectoryDatabase, type TestDatabase } from "./databases.js";

/** The engine the dashboard's browser tests run on: PGlite unless DAKGRAPH_DASHBOARD_TEST_ENGINE=postgres. */
export const DASHBOARD_TEST_ENGINE = process.env.DAKGRAPH_DASHBOARD_TEST_ENGINE === "postgres" ? "postgres" : "pglite";

export interface DashboardFixture {
  readonly testDatabase: TestDatabase;
  readonly server: RunningServer;
  /** http://127.0.0.1:<port>, where /dashboard and /graphql are. */
  readonly origin: string;
  /** What the build wrote (sizes), for the bundle checks. */
  readonly bundle: Awaited<ReturnType<typeof buildDashboard>>;
  close(): Promise<void>;
}

/**
 * What the dashboard's browser tests stand on: the bundle built again from the sources under test (into the
 * postinstall's directory, which the server serves outside a build), the real directory with a small demo up to
 * today (so the last complete quarter, the page's default, has figures, targets and a review before it), and the
 * HTTP server under the operation allowlist, as in production: the page must send registered operations only.
 */
export async function startDashboardFixture(): Promise<DashboardFixture> {
  const bundle = await buildDashboard(DASHBOARD_BUILD_DIRS[1]!);
  const testDatabase = await createDirectoryDatabase(DASHBOARD_TEST_ENGINE);
  await seedDemo(testDatabase.database, { shipments: 1_500, seed: 21, until: istDateOf(new Date()), replace: false }, progressBar(false));
  const config = loadConfig({ PORT: "0", NODE_ENV: "test", DAKGRAPH_OPERATIONS: "allowlist" });
  const apollo = createApolloServer(await createSchema(), config);
  await apollo.start();
  const server = await listen({ config, database: testDatabase.database, apollo });
  return {
    testDatabase,
    server,
    origin: new URL(server.url).origin,
    bundle,
    async close() {
      await server.close();
      await apollo.stop();
      await testDatabase.drop();
    },
  };
}
