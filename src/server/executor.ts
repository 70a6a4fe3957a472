import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import {
  type DocumentNode,
  execute,
  type ExecutionResult,
  GraphQLError,
  type GraphQLInputType,
  type GraphQLLeafType,
  type GraphQLSchema,
  isInputObjectType,
  isListType,
  isNonNullType,
  printSchema,
  typeFromAST,
} from "graphql";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";
import type { Context } from "../context.js";
import { LruMap } from "../lib/lru.js";
import type { KnownOperations } from "./known-operations.js";
import { coerceVariables } from "./variables.js";
import type { SingleStatementPlans } from "./single-statement.js";

/**
 * Executes operations through graphql-jit: each distinct document is compiled once into plain JavaScript
 * (field reads inlined, resolvers called directly, leaf values serialized without graphql-js's per-field
 * bookkeeping) and the compiled function is kept for the next request. Dashboards send the same few
 * documents all day, so almost every request runs compiled code: on the pickup dashboard (about 3,000
 * fields) graphql-js's own execution was the largest CPU cost of the request (npm run bench).
 *
 * What stays graphql-js's, so clients see exactly the same answers and errors:
 * - parsing, validation and the limit plugins (Apollo runs them before execution);
 * - variable coercion: the variables are coerced by graphql-js's `getVariableValues`, and its errors (with
 *   their `extensions.code`) are returned as they would be without this executor. The compiled query is
 *   then given the canonical external form of graphql-js's result (defaults filled in, scalars and enums
 *   serialized back), so both executors read the same values: graphql-jit's own coercion differs in places
 *   (it refuses a missing non-null input field that has a default, for one);
 * - any document graphql-jit cannot compile, which is executed by graphql-js.
 *
 * Apollo Server takes a custom executor through its gateway interface (@apollo/server-gateway-interface):
 * `load` hands it the schema and this executor. The schema never changes while the server runs.
 */
export function compiledExecutor(
  schema: GraphQLSchema,
  options: { maxDocuments?: number; singleStatement?: SingleStatementPlans; knownOperations?: KnownOperations } = {},
): GatewayInterface {
  const compiled = new CompiledDocuments(schema, options.maxDocuments ?? 500);
  const executor: GatewayExecutor = async (request) => {
    const { document, operation, context } = request;
    const { variables = {}, operationName } = request.request;
    const reference = () => execute({ schema, document, operationName, contextValue: context, variableValues: variables }) as Promise<ExecutionResult>;
    // No operation resolved (an unknown operationName, or several operations and none named): graphql-js words the error.
    if (operation === undefined || operation === null) return reference();
    const definitions = operation.variableDefinitions ?? [];
    const coerced = coerceVariables(schema, operation, request.request.variables);
    if (coerced.errors !== undefined) return { errors: coerced.errors };
    const { viewer, database } = context as Context;
    const answered = await options.singleStatement?.run(request.queryHash, document, operation, viewer, database.db, coerced.coerced);
    if (answered !== undefined) {
      if (answered.errors === undefined) {
        const { queryHash, source } = request;
        options.knownOperations?.learn({ source, operationName, queryHash, document, operation, viewer, variables });
      }
      return answered;
    }
    const query = compiled.get(request.queryHash, operationName, document);
    if (query === null) return reference();
    const canonical: Record<string, unknown> = {};
    for (const definition of definitions) {
      const name = definition.variable.name.value;
      if (name in coerced.coerced) canonical[name] = externalValue(coerced.coerced[name], typeFromAST(schema, definition.type) as GraphQLInputType);
    }
    const result = await query.query(undefined, context, canonical);
    return result.errors === undefined ? result : { ...result, errors: result.errors.map(asGraphQLError) };
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}

type Query = CompiledQuery<Record<string, unknown>, Record<string, unknown>>;

/** A coerced input value written back as a client would send it: the inverse of graphql-js's coercion. */
function externalValue(value: unknown, type: GraphQLInputType): unknown {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return externalValue(value, type.ofType);
  if (isListType(type)) return (value as unknown[]).map((item) => externalValue(item, type.ofType));
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
      const definition = fields[name];
      if (definition !== undefined) out[name] = externalValue(field, definition.type);
    }
    return out;
  }
  return (type as GraphQLLeafType).serialize(value);
}

/**
 * graphql-jit's errors are look-alikes of graphql-js's GraphQLError (their `extensions` may be undefined, which
 * Apollo's error formatting does not expect): each becomes a real GraphQLError with the same message, locations,
 * path, original error and extensions.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const { message, path, locations, extensions } = error;
  const originalError = error.originalError ?? undefined;
  const copy = new GraphQLError(message, { path, originalError, ...(extensions === undefined ? {} : { extensions }) });
  // graphql-js computes locations from AST nodes, which graphql-jit does not keep: they are carried over as they are.
  if (locations !== undefined) Object.defineProperty(copy, "locations", { value: locations, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Compiled documents by query hash and operation name, least recently used dropped first. */
class CompiledDocuments {
  private readonly entries: LruMap<string, Query | null>;

  constructor(
    private readonly schema: GraphQLSchema,
    max: number,
  ) {
    this.entries = new LruMap(max);
  }

  /** The compiled operation, or null when graphql-jit cannot compile it (graphql-js executes it then). */
  get(queryHash: string, operationName: string | undefined, document: DocumentNode): Query | null {
    return this.entries.getOrCompute(`${queryHash}\u0000${operationName ?? ""}`, () => {
      const result = compileQuery<Record<string, unknown>, Record<string, unknown>>(this.schema, document, operationName, { disablingCapturingStackErrors: true });
      return isCompiledQuery(result) ? result : null;
    });
  }
}
