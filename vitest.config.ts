import os from "node:os";
import { defineConfig } from "vitest/config";

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
    // One worker more than cores, not vitest's default of one fewer: most files spend much of their time
    // waiting on PostgreSQL, a child server process, npm or Chromium rather than computing, and on a 2-core
    // machine the default runs them one at a time (README "CI" has the timings).
    maxWorkers: Math.max(2, os.availableParallelism() + 1),
  },
});
