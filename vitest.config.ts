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
  },
});
