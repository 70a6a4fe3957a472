import { type DocumentNode, getVariableValues, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import Negotiator from "negotiator";
import type { Db } from "../db/client.js";
import { LruMap } from "../lib/lru.js";
import { circleScope } from "../modules/access/access.roles.js";
import type { Viewer } from "../modules/access/access.viewer.js";
import type { KnownCosts } from "./plugins/cost-limit.js";
import { variablesNulError } from "./input-guard.js";
import { asksForRetry } from "./plugins/database-unavailable.js";
import { readsViewer, type ResponseCache, responseCacheKey } from "./response-cache.js";
import { planAudience, type SingleStatementPlans } from "./single-statement.js";

/*
 * Known operations: a read operation that Apollo Server has already taken through its whole pipeline for
 * callers of the same access scope (parsing, validation, the allowlist, the depth, alias and cost limits)
 * and that the single-statement executor answered is answered the next time straight from the HTTP
 * handler: the JSON body's `query` text is looked up, the variables coerced by graphql-js, and the one
 * statement run. Dashboards send the same few operations all day; for a tracking lookup, Apollo's own
 * per-request work (hashing the text, eleven plugin hooks, the context, response formatting) cost as
 * much CPU as the rest of the request together (npm run bench, issue 8).
 *
 * What makes the shortcut give exactly Apollo's answer:
 * - an entry is learnt only from an answer Apollo's pipeline produced, keyed by the exact text, the
 *   operation name and the access scope (authenticated or not, roles), so every check that depends on
 *   the document or the roles has passed for that key; a viewer limited to a circle never takes it;
 * - the one pipeline check that depends on variables, the cost (through the `first` arguments), is
 *   remembered per value of those variables: a page size not yet seen goes through Apollo; the access
 *   check on argument values (access.inputs.ts) runs in the single statement's own binding on every
 *   request, and a refused value goes to Apollo, whose resolvers give the error;
 * - variables that do not coerce or hold a NUL character, a page size the projection refuses, a body with `extensions`
 *   (persisted queries), a batch, an `accept` header Apollo would answer otherwise: all go through Apollo,
 *   whose error or answer is then the only one;
 * - the response is written as Apollo writes it (`{"data":…}` and a newline, its content type); a failed
 *   statement's error is formatted by the server's own formatError;
 * - with the response cache on, answers are looked up and stored under the key and epoch its plugin uses
 *   (src/server/response-cache.ts), so the two paths share one cache; mutations, which invalidate it,
 *   always go through Apollo.
 * Tests (test/known-operations.suite.ts, run by test/single-statement.test.ts) send the same requests to a
 * server with and without it and compare status, headers and bodies byte for byte.
 */

interface KnownOperation {
  readonly queryHash: string;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  /** Cost keys (KnownCosts.key) of variables the cost limit accepted. */
  readonly acceptedCosts: Set<string>;
}

/** The parts of a POST body the shortcut answers: nothing else may be present. */
export interface OperationBody {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: Record<string, unknown> | null;
}

export interface KnownAnswer {
  readonly contentType: string;
  readonly body: string;
  /** The response cache's x-response-cache value, when the server has the cache. */
  readonly cache?: "hit" | "miss" | "bypass";
  /** The answer asks the client to retry (DATABASE_UNAVAILABLE): HTTP 503 with Retry-After, as Apollo's plugin sends it. */
  readonly retry?: boolean;
}

/** Apollo Server's media types for a single result (its MEDIA_TYPES). */
export const APPLICATION_JSON = "application/json; charset=utf-8";
const GRAPHQL_RESPONSE_JSON = "application/graphql-response+json; charset=utf-8";
const CALLBACK_JSON = "application/json; callbackSpec=1.0; charset=utf-8";

const MAX_COST_KEYS = 64;

/**
 * The content type Apollo answers a single result with for this Accept header (its chooseContentTypeForSingleResultResponse),
 * or null where Apollo does something else (a 406, or the callback media type).
 */
export function singleResultContentType(accept: string | undefined): string | null {
  if (accept === undefined || accept === "") return APPLICATION_JSON;
  const preferred = new Negotiator({ headers: { accept } }).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON, CALLBACK_JSON]);
  return preferred === APPLICATION_JSON || preferred === GRAPHQL_RESPONSE_JSON ? preferred : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body as one plain operation (query text, and optionally operationName and variables), or null. */
export function plainOperation(body: unknown): OperationBody | null {
  if (!isRecord(body) || typeof body.query !== "string") return null;
  for (const key in body) {
    if (key !== "query" && key !== "operationName" && key !== "variables") return null;
  }
  const { operationName, variables } = body;
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return null;
  if (variables !== undefined && variables !== null && !isRecord(variables)) return null;
  return body as unknown as OperationBody;
}

export class KnownOperations {
  private readonly entries: LruMap<string, KnownOperation>;
  private readonly contentTypes = new LruMap<string, string | null>(64);
  /** Requests answered by the shortcut so far (tests read it to see which path answered). */
  answered = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly plans: SingleStatementPlans,
    private readonly costs: KnownCosts,
    private readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
    private readonly includeStacktrace: boolean,
    /** The server's response cache, consulted and filled exactly as its Apollo plugin does. */
    private readonly cache: ResponseCache | undefined,
    maxEntries = 500,
  ) {
    this.entries = new LruMap(maxEntries);
  }

  /**
   * Called by the executor when the single statement answered an operation that Apollo's pipeline let
   * through: the next request with this text, name, scope and cost key may skip the pipeline.
   */
  learn(request: {
    readonly source: string;
    readonly operationName: string | undefined | null;
    readonly queryHash: string;
    readonly document: DocumentNode;
    readonly operation: OperationDefinitionNode;
    readonly viewer: Viewer;
    readonly variables: Record<string, unknown>;
  }): void {
    if (circleScope(request.viewer) !== null) return;
    const key = this.key(request.source, request.operationName, request.viewer);
    const entry = this.entries.getOrCompute(key, () => ({
      queryHash: request.queryHash,
      document: request.document,
      operation: request.operation,
      acceptedCosts: new Set(),
    }));
    if (entry.acceptedCosts.size >= MAX_COST_KEYS) entry.acceptedCosts.clear();
    entry.acceptedCosts.add(this.costs.key(entry.document, entry.operation, request.variables));
  }

  /**
   * The response to a known operation, or undefined when Apollo must answer it (nothing has run then).
   * `accept` is the request's Accept header.
   */
  async answer(body: OperationBody, accept: string | undefined, viewer: Viewer, db: Db): Promise<KnownAnswer | undefined> {
    if (circleScope(viewer) !== null) return undefined;
    const entry = this.entries.get(this.key(body.query, body.operationName, viewer));
    if (entry === undefined) return undefined;
    const contentType = this.contentType(accept);
    if (contentType === null) return undefined;
    const variables = body.variables ?? {};
    if (!entry.acceptedCosts.has(this.costs.key(entry.document, entry.operation, variables))) return undefined;
    const coerced = getVariableValues(this.schema, entry.operation.variableDefinitions ?? [], variables);
    if (coerced.errors !== undefined || variablesNulError(variables) !== undefined) return undefined;
    const cacheKey = this.cache === undefined || readsViewer(entry.document) ? null : responseCacheKey(entry.queryHash, entry.operation.name?.value, variables, viewer);
    const cached = cacheKey === null ? undefined : this.cache;
    const epoch = cached?.epoch ?? 0;
    const hit = cacheKey === null ? undefined : cached?.get(cacheKey);
    if (hit !== undefined) {
      this.answered += 1;
      return { contentType, body: `${JSON.stringify({ data: hit })}\n`, cache: "hit" };
    }
    const result = await this.plans.run(entry.queryHash, entry.document, entry.operation, viewer, db, coerced.coerced);
    if (result === undefined) return undefined;
    this.answered += 1;
    const cache = this.cache === undefined ? {} : { cache: cached === undefined ? ("bypass" as const) : ("miss" as const) };
    if (result.errors === undefined) {
      if (cached !== undefined && cacheKey !== null && result.data != null) cached.set(cacheKey, epoch, result.data);
      return { contentType, body: `${JSON.stringify({ data: result.data })}\n`, ...cache };
    }
    // Formatted as Apollo formats an execution error (its normalizeAndFormatErrors): a code added where the
    // error has none, the stack in development, then formatError.
    const errors = result.errors.map((error) => {
      const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? "INTERNAL_SERVER_ERROR" };
      if (this.includeStacktrace) extensions.stacktrace = error.stack?.split("\n");
      return this.formatError({ ...error.toJSON(), extensions }, error);
    });
    return { contentType, body: `${JSON.stringify({ errors, data: result.data })}\n`, ...cache, retry: asksForRetry(errors) };
  }

  private key(query: string, operationName: string | undefined | null, viewer: Viewer): string {
    return `${operationName ?? ""}\u0000${planAudience(viewer)}\u0000${query}`;
  }

  /** singleResultContentType, remembered per Accept header. */
  private contentType(accept: string | undefined): string | null {
    if (accept === undefined || accept === "") return APPLICATION_JSON;
    return this.contentTypes.getOrCompute(accept, () => singleResultContentType(accept));
  }
}
