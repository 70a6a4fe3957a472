import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { ApolloServer } from "@apollo/server";
import { type ExecutionResult, print } from "graphql";
import { loadConfig } from "../../src/config.js";
import { createContext, type Context } from "../../src/context.js";
import type { Database } from "../../src/db/client.js";
import { withRequestScope } from "../../src/lib/request-scope.js";
import { requireRoot } from "../../src/lib/root-field.js";
import { Role } from "../../src/modules/access/access.roles.js";
import { testViewer, type Viewer } from "../../src/modules/access/access.viewer.js";
import { createSchema } from "../../src/schema.js";
import { type ApolloServerOptions, createApolloServer } from "../../src/server/apollo.js";

export interface GraphResult<T> {
  readonly data: T | null | undefined;
  readonly errors: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] | undefined;
  /** SQL statements the operation issued. */
  readonly statements: number;
  readonly sql: readonly string[];
  /** The parameters of each statement in `sql`. */
  readonly parameters: readonly (readonly unknown[])[];
}

/** A root field of a test's answer that must be there: a null one fails the test with the field's errors. */
export function root<T extends object, K extends keyof T & string>(result: GraphResult<T>, field: K): NonNullable<T[K]> {
  return requireRoot(result.data, field, result.errors);
}

export interface TestGraph {
  /** Executes as ADMIN, or as `options.viewer` (see testViewer / anonymousViewer). */
  execute<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V> | string,
    variables?: V,
    options?: { viewer?: Viewer },
  ): Promise<GraphResult<T>>;
  stop(): Promise<void>;
}

const ADMIN = testViewer([Role.ADMIN], { name: "test admin" });

/**
 * The real schema and Apollo server over a test database, executed without HTTP (executeOperation).
 * `{ singleStatement: false }` gives the resolvers' own answers, for tests that compare the two paths.
 */
export async function createTestGraph(database: Database, env: Record<string, string> = {}, options: ApolloServerOptions = {}): Promise<TestGraph> {
  const config = loadConfig({ NODE_ENV: "test", ...env });
  const apollo: ApolloServer<Context> = createApolloServer(await createSchema(), config, options);
  await apollo.start();
  return {
    async execute(document, variables, options = {}) {
      const scope = { requestId: "test", statements: 0, log: [] as string[], parameters: [] as unknown[][] };
      const response = await withRequestScope(scope, () =>
        apollo.executeOperation(
          { query: typeof document === "string" ? document : print(document), variables },
          { contextValue: createContext(config, database, options.viewer ?? ADMIN) },
        ),
      );
      if (response.body.kind !== "single") throw new Error("incremental delivery is not used");
      const result = response.body.singleResult as ExecutionResult;
      return {
        data: result.data as never,
        errors: result.errors as GraphResult<unknown>["errors"],
        statements: scope.statements,
        sql: scope.log,
        parameters: scope.parameters,
      };
    },
    stop: () => apollo.stop(),
  };
}
