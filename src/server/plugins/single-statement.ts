import { type ApolloServerPlugin, type GraphQLRequestListener, HeaderMap } from "@apollo/server";
import type { GraphQLFormattedError, GraphQLSchema } from "graphql";
import type { Context } from "../../context.js";
import type { SingleStatementPlans } from "../single-statement.js";
import { coerceVariables } from "../variables.js";

export interface SingleStatementErrorFormat {
  /** The server's formatError (src/server/format-error.ts). */
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Apollo's includeStacktraceInErrorResponses. */
  readonly includeStacktrace: boolean;
}

/**
 * Answers a read operation with the single statement (src/server/single-statement.ts) through Apollo Server's
 * documented short-circuit, `responseForOperation`: Apollo has parsed (or found in its document cache) and
 * validated the operation, and every plugin's didResolveOperation (NUL check, allowlist, introspection, depth,
 * alias and cost limits) has passed. Listed after the plugins whose own responseForOperation must come first
 * (the audit log, the response cache's hit); willSendResponse hooks (status codes, 503 for an outage, storing
 * in the response cache) see this answer as they see an executed one.
 *
 * Anything the plans decline, and variables that do not coerce (graphql-js's execution words that error),
 * return null: Apollo executes the operation with the resolvers.
 */
export function singleStatementPlugin(schema: GraphQLSchema, plans: SingleStatementPlans, format: SingleStatementErrorFormat): ApolloServerPlugin<Context> {
  // No per-request state: one listener serves every request.
  const listener: GraphQLRequestListener<Context> = {
    async responseForOperation({ operation, document, queryHash, request, contextValue }) {
      // No operation resolved (an unknown operationName): Apollo's execution words that error.
      if (operation?.operation !== "query" || queryHash === undefined) return null;
      const coerced = coerceVariables(schema, operation, request.variables);
      if (coerced.errors !== undefined) return null;
      const result = await plans.run(queryHash, document, operation, contextValue.viewer, contextValue.database.db, coerced.coerced);
      if (result === undefined) return null;
      const http = { status: undefined, headers: new HeaderMap() };
      if (result.errors === undefined) return { http, body: { kind: "single", singleResult: { data: result.data } } };
      // Formatted as Apollo formats an execution error (its normalizeAndFormatErrors): a code where the error has
      // none, the stack when stack traces are shown, then formatError, which maps a cancelled statement to
      // QUERY_TIMEOUT and a lost connection to DATABASE_UNAVAILABLE.
      const errors = result.errors.map((error) => {
        const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? "INTERNAL_SERVER_ERROR" };
        if (format.includeStacktrace) extensions.stacktrace = error.stack?.split("\n");
        return format.formatError({ ...error.toJSON(), extensions }, error);
      });
      // Keys in graphql-js's order (errors first), so the body is byte for byte what execution would write.
      return { http, body: { kind: "single", singleResult: { errors, data: result.data } } };
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}
