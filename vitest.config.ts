import os from "node:os";
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * The files that take longest start first. Without vitest's cache of earlier durations (a fresh clone, CI) it
 * runs larger files first, and the Dockerfile replay, a short file that runs for a minute and a half, came last
 * and ran alone at the end while the other worker sat idle. Longest first keeps both workers busy to the end.
 */
const LONGEST_FIRST = [
  "test/container-replay.test.ts",
  "test/bad-input.test.ts",
  "test/demo.test.ts",
  "test/single-statement.test.ts",
  "test/faults.test.ts",
  // 13–40 s, most of it waiting: two PostgreSQL clusters of its own, a server start, the replica's lag window.
  "test/read-replicas.test.ts",
  "test/directory.test.ts",
  "test/shutdown.test.ts",
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = LONGEST_FIRST.indexOf(path.relative(process.cwd(), file.moduleId).split(path.sep).join("/"));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the rest keep vitest's own order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  resolve: {
    // type-graphql loads graphql's CommonJS build; our ESM imports must get the same module instance
    // ("Cannot use GraphQLSchema from another module or realm" otherwise).
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    setupFiles: ["reflect-metadata"],
    // A name for the run's server databases, and their removal at its end (test/support/databases.ts).
    globalSetup: ["test/support/global-setup.ts"],
    // One worker per core, not vitest's default of one fewer: most files wait on PostgreSQL, a child server
    // process or Chromium rather than compute, and on a 2-core machine the default runs them one at a time.
    // (One more than cores was slower: 7 min 47 s against 7 min 2 s and 7 min 36 s for the whole CI run.)
    maxWorkers: Math.max(2, os.availableParallelism()),
    sequence: { sequencer: LongestFirst },
  },
});
