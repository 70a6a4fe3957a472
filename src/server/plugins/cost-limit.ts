import { createRequire } from "node:module";
import type { ApolloServerPlugin } from "@apollo/server";
import {
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type DocumentNode,
  Kind,
  type OperationDefinitionNode,
  visit,
} from "graphql";
import type { Context } from "../../context.js";
import { ErrorCode, LimitExceededError } from "../../lib/errors.js";
import { DEFAULT_PAGE_SIZE } from "../../lib/pagination.js";
import type { ComplexityEstimator } from "graphql-query-complexity/cjs";

// The CommonJS build: its ESM build deep-imports graphql's .mjs files, while Node resolves `graphql`
// to the CommonJS ones, and the two copies reject each other's schema objects
// (https://github.com/slicknode/graphql-query-complexity/issues/100). Loaded with require(): Node's
// CommonJS export detection misses its re-exported names, and default-import interop differs
// between Node and vitest.
const { fieldExtensionsEstimator, getComplexity } = createRequire(import.meta.url)(
  "graphql-query-complexity/cjs",
) as typeof import("graphql-query-complexity/cjs");

/** The federation field whose list is as long as its `representations` argument (src/modules/federation). */
const ENTITIES_FIELD = "_entities";

/** Assumed length of a list field that takes no `first` (circles, a circle's regions, products). */
export const UNPAGED_LIST_ESTIMATE = 25;

/** Types returned by a field with a `first` argument (connections, pincodesNear's result): their lists are the page. */
function pagedTypes(schema: GraphQLSchema): Set<string> {
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.some((arg) => arg.name === "first")) names.add(getNamedType(field.type).name);
    }
  }
  return names;
}

/**
 * The cost model: a scalar costs nothing; an object costs 1 (one row to fetch) plus its
 * selections; a field with `first` costs 1 + first × its selections (first is clamped to the page
 * size limit, which the resolver enforces anyway; absent, the default page of 50); a list without
 * `first` counts as 25 items, and `_entities` (federation) as many as its representations. So the
 * estimate is an upper bound of rows fetched, in the spirit of GitHub's node limit. A field's own `complexity` (type-graphql's option) overrides all this.
 */
export function costEstimator(schema: GraphQLSchema, maxPageSize: number): ComplexityEstimator {
  const paged = pagedTypes(schema);
  return ({ type, field, args, childComplexity }) => {
    // Introspection is bounded by the schema's size and by the depth plugin's introspection limits.
    if (field.name.startsWith("__") || type.name.startsWith("__")) return isCompositeType(getNamedType(field.type)) ? 1 + childComplexity : 0;
    if (!isCompositeType(getNamedType(field.type))) return 0;
    // Apollo Federation's entities: one row per representation a router sends, then its selections.
    if (field.name === ENTITIES_FIELD && Array.isArray(args.representations)) return 1 + args.representations.length * childComplexity;
    if ("first" in args || field.args.some((arg) => arg.name === "first")) {
      const first = typeof args.first === "number" ? Math.max(0, Math.min(args.first, maxPageSize)) : Math.min(DEFAULT_PAGE_SIZE, maxPageSize);
      return 1 + first * childComplexity;
    }
    if (isListType(getNullableType(field.type)) && !paged.has(type.name)) return 1 + UNPAGED_LIST_ESTIMATE * childComplexity;
    return 1 + childComplexity;
  };
}

/** Refuses operations whose estimated cost exceeds `max`, before any resolver (and so any SQL) runs. */
export function costLimitPlugin(schema: GraphQLSchema, max: number, maxPageSize: number, costs = new KnownCosts(schema)): ApolloServerPlugin<Context> {
  const estimators = [fieldExtensionsEstimator(), costEstimator(schema, maxPageSize)];
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, operationName, request }) {
          const variables = request.variables ?? {};
          const key = operation === undefined ? undefined : costs.key(document, operation, variables);
          let cost = key === undefined ? undefined : costs.get(operation!, key);
          if (cost === undefined) {
            try {
              cost = getComplexity({ schema, query: document, variables, estimators, ...(operationName === null ? {} : { operationName }) });
            } catch {
              // Variables that do not coerce: execution rejects them (BAD_USER_INPUT, HTTP 400) before any resolver runs.
              return;
            }
            if (key !== undefined) costs.set(operation!, key, cost);
          }
          if (cost > max) {
            throw new LimitExceededError(
              ErrorCode.QUERY_TOO_COMPLEX,
              "maxCost",
              cost,
              max,
              `The operation's estimated cost is ${cost}; at most ${max} is allowed (DAKGRAPH_MAX_COST). Ask for smaller pages (first) or fewer nested lists.`,
            );
          }
        },
      };
    },
  };
}

/**
 * Costs already worked out, per operation (Apollo keeps each parsed document, so the same node comes back)
 * and per value of the variables the cost can depend on. The model reads one argument, `first`, and no
 * field of the schema has a complexity of its own (checked when the plugin is made); so an operation's
 * cost depends only on the variables given to `first` arguments. A tracking lookup, whose variables are
 * the tracking number and day, has one cost whatever they are. Kept when the schema has field
 * complexities: every variable is then part of the key.
 */
export class KnownCosts {
  private readonly byOperation = new WeakMap<OperationDefinitionNode, { readonly variables: readonly string[] | null; readonly costs: Map<string, number> }>();
  private readonly fieldComplexities: boolean;

  constructor(schema: GraphQLSchema) {
    this.fieldComplexities = Object.values(schema.getTypeMap()).some(
      (type) => (isObjectType(type) || isInterfaceType(type)) && Object.values(type.getFields()).some((field) => field.extensions.complexity !== undefined),
    );
  }

  /** The cache key of these variables for the operation: the values its cost can depend on. */
  key(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): string {
    const entry = this.entry(operation, document);
    // A list (the representations of `_entities`) costs by its length alone.
    return JSON.stringify(entry.variables === null ? variables : entry.variables.map((name) => (Array.isArray(variables[name]) ? variables[name].length : (variables[name] ?? null))));
  }

  get(operation: OperationDefinitionNode, key: string): number | undefined {
    return this.entry(operation).costs.get(key);
  }

  set(operation: OperationDefinitionNode, key: string, cost: number): void {
    const { costs } = this.entry(operation);
    // Page sizes vary little; a caller cycling through many is bounded all the same.
    if (costs.size >= 64) costs.clear();
    costs.set(key, cost);
  }

  private entry(operation: OperationDefinitionNode, document?: DocumentNode) {
    let entry = this.byOperation.get(operation);
    if (entry === undefined) {
      if (document === undefined) throw new Error("KnownCosts: key() first");
      const names = new Set<string>();
      if (!this.fieldComplexities) {
        // The whole document: fragments hold arguments too.
        visit(document, {
          Argument(node) {
            if ((node.name.value === "first" || node.name.value === "representations") && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
          },
        });
      }
      entry = { variables: this.fieldComplexities ? null : [...names].sort(), costs: new Map() };
      this.byOperation.set(operation, entry);
    }
    return entry;
  }
}
