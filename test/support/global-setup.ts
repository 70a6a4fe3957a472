import { randomBytes } from "node:crypto";
import postgres from "postgres";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Names this run's databases on the test server (test/support/databases.ts), so the run can drop them all at its end. */
    testRunId: string;
  }
}

/**
 * Once per `vitest run`, in the main process: a name for the run, and at its end the server databases named
 * after it dropped (the templates test files built, and any test database a failed file left behind).
 */
export default function setup(project: TestProject): () => Promise<void> {
  const runId = randomBytes(4).toString("hex");
  project.provide("testRunId", runId);
  return async () => {
    if (process.env.TEST_DATABASE_URL === "") return;
    const admin = postgres(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test", { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      const leftover = await admin<{ name: string }[]>`select datname as name from pg_database where datname like ${`${process.env.TEST_DATABASE_PREFIX ?? "dakgraph_test"}_${runId}_%`}`;
      for (const { name } of leftover) await admin.unsafe(`drop database if exists ${name} with (force)`);
    } catch {
      // No server answered: this run created nothing there.
    } finally {
      await admin.end({ timeout: 1 });
    }
  };
}
