import { ApolloServer, type PersistedQueryOptions } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { Config } from "../config.js";
import type { Context } from "../context.js";
import { PROJECTIONS } from "../schema.js";
import { createFormatError } from "./format-error.js";
import { NoNulTextRule } from "./input-guard.js";
import { logger } from "./logger.js";
import { loadOperationRegistry, type RegisteredOperation } from "./operation-registry.js";
import { aliasLimitPlugin } from "./plugins/alias-limit.js";
import { auditLogPlugin } from "./plugins/audit-log.js";
import { costLimitPlugin } from "./plugins/cost-limit.js";
import { databaseUnavailablePlugin } from "./plugins/database-unavailable.js";
import { depthLimitPlugin } from "./plugins/depth-limit.js";
import { httpStatusPlugin } from "./plugins/http-status.js";
import { noNulTextPlugin } from "./plugins/no-nul-text.js";
import { observePlugin } from "./plugins/observe.js";
import { readYourWritesPlugin } from "./plugins/read-your-writes.js";
import { introspectionPlugin } from "./plugins/introspection.js";
import { operationAllowlistPlugin } from "./plugins/operation-allowlist.js";
import { singleStatementPlugin } from "./plugins/single-statement.js";
import { subscriptionTransportPlugin } from "./plugins/subscription-transport.js";
import { ResponseCache, responseCachePlugin, stringifyResult } from "./response-cache.js";
import { SingleStatementPlans } from "./single-statement.js";
import type { Telemetry } from "./telemetry.js";

/**
 * Apollo's persisted-query cache, backed by the registered operations only: a client may send the
 * sha256 of a registered operation's canonical text instead of the text; registering new
 * documents through the APQ protocol is ignored, so the cache cannot be filled by callers.
 */
function registeredOperationsCache(registry: ReadonlyMap<string, RegisteredOperation>): NonNullable<PersistedQueryOptions["cache"]> {
  return {
    get: async (key) => registry.get(key.slice(key.lastIndexOf(":") + 1))?.text,
    set: async () => {},
    delete: async () => false,
  };
}

export interface ApolloServerOptions {
  /**
   * Answer what it can with the single statement (src/server/plugins/single-statement.ts); true unless a
   * differential test wants the resolvers' own answer to compare it with.
   */
  readonly singleStatement?: boolean;
  /** The server's telemetry: its metrics report the response cache's size. */
  readonly telemetry?: Telemetry;
}

/** What a server was made from, for the parts that plan against it outside Apollo (the CSV export). */
export interface ServedGraph {
  readonly schema: GraphQLSchema;
  /** The registered operations, as this server's allowlist and persisted queries hold them. */
  readonly registry: ReadonlyMap<string, RegisteredOperation>;
}

const SERVED = new WeakMap<ApolloServer<Context>, ServedGraph>();

/** The schema and registered operations of a server createApolloServer made. */
export function servedGraph(apollo: ApolloServer<Context>): ServedGraph {
  const served = SERVED.get(apollo);
  if (served === undefined) throw new Error("This Apollo server was not made by createApolloServer.");
  return served;
}

export function createApolloServer(schema: GraphQLSchema, config: Config, options: ApolloServerOptions = {}): ApolloServer<Context> {
  const registry = loadOperationRegistry();
  // Development shows unexpected errors' messages and stacks; production masks them.
  const includeStacktraceInErrorResponses = config.environment === "development";
  const formatError = createFormatError({
    exposeInternalErrors: includeStacktraceInErrorResponses,
    log: (message, error) => (options.telemetry?.log ?? logger).error(message, error),
  });
  const singleStatement =
    options.singleStatement === false
      ? undefined
      : new SingleStatementPlans(schema, PROJECTIONS, { maxPageSize: config.maxPageSize, publicDirectory: config.publicDirectory });
  const responseCache = config.responseCache
    ? new ResponseCache({ maxBytes: config.responseCacheBytes, ttlMs: config.responseCacheTtlSeconds * 1000 })
    : undefined;
  const metrics = options.telemetry?.metrics;
  if (responseCache !== undefined && metrics != null) metrics.responseCacheSize = () => responseCache.size;
  const apollo = new ApolloServer<Context>({
    schema,
    // Who may introspect is the introspection plugin's decision, per caller (DAKGRAPH_INTROSPECTION).
    introspection: true,
    csrfPrevention: true,
    // Batches (a JSON array of operations) are capped at DAKGRAPH_MAX_BATCH in http.ts.
    allowBatchedHttpRequests: true,
    persistedQueries: { cache: registeredOperationsCache(registry) },
    // documentStore stays Apollo's default, an LRU of parsed and validated documents by the text's sha256: an operation
    // sent again is neither parsed nor validated, and the limit plugins, which keep their results per parsed
    // operation, find them again.
    // Bounds validation's own work on fragment bombs before the limit plugins see the document.
    maxRecursiveSelections: 100_000,
    validationRules: [NoNulTextRule],
    includeStacktraceInErrorResponses,
    formatError,
    // A cached answer is sent from the JSON text stored with it (src/server/response-cache.ts).
    stringifyResult,
    // main.ts owns SIGTERM/SIGINT: it drains HTTP first and stops Apollo after; Apollo's own handler would
    // stop it under running requests and re-send the signal, ending the process before the drain.
    stopOnTerminationSignals: false,
    plugins: [
      // Our own explorer is served instead (src/server/explorer.ts): Apollo's landing page loads from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used; the plugin's per-field hooks cost more CPU than execution on large responses.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo turns on federated inline tracing (per-field timings for GraphOS, asked for by a router's
      // apollo-federation-include-trace header) once the schema has `_service`. Traces go to OpenTelemetry here (README
      // "Traces"), and a per-field hook costs CPU on every large answer a router asks for.
      ApolloServerPluginInlineTraceDisabled(),
      // First: no other plugin reads variables holding a NUL character.
      noNulTextPlugin(),
      // Before any plugin that may refuse the request: every operation is recorded for the request's log line and metrics.
      observePlugin(),
      // Before anything reads for a mutation: from here its request reads the primary.
      readYourWritesPlugin(),
      httpStatusPlugin(),
      ...(config.introspection === "all" ? [] : [introspectionPlugin(config.introspection)]),
      ...(config.operations === "allowlist" ? [operationAllowlistPlugin(registry)] : []),
      depthLimitPlugin(config.maxDepth),
      aliasLimitPlugin(config.maxAliases),
      costLimitPlugin(schema, config.maxCost, config.maxPageSize),
      // Before every responseForOperation hook: a WebSocket subscription being admitted stops here (see the plugin).
      subscriptionTransportPlugin(),
      auditLogPlugin(schema),
      databaseUnavailablePlugin(),
      // The plugins with a responseForOperation hook, in the order Apollo asks them: the audit log (above) first, then a
      // cached answer, then the single statement; when none answers, graphql-js executes the resolvers.
      ...(responseCache === undefined ? [] : [responseCachePlugin(responseCache)]),
      ...(singleStatement === undefined ? [] : [singleStatementPlugin(schema, singleStatement, { formatError, includeStacktrace: includeStacktraceInErrorResponses })]),
    ],
  });
  SERVED.set(apollo, { schema, registry });
  return apollo;
}
