import { AsyncLocalStorage } from "node:async_hooks";
import type { Span } from "@opentelemetry/api";
import type { Logger } from "drizzle-orm/logger";
import { DakgraphError, ErrorCode } from "./errors.js";

/**
 * What belongs to one unit of work (a GraphQL request, a test): its id, for
 * logs, and the SQL statements it issued. Tests assert on statement counts to
 * prove batching; responses carry the count in `x-sql-statements`.
 */
export interface RequestScope {
  readonly requestId: string;
  statements: number;
  /** Each logged statement's parameters, in `log` order, kept only when asked for (tests that EXPLAIN what ran). */
  readonly parameters?: unknown[][];
  /** The statements themselves, kept only when asked for (tests). */
  readonly log?: string[];
  /**
   * Set when the request's deadline passed and it was answered (src/server/http.ts): it starts no further
   * statement, so a mutation still running stops at its next one and its transaction rolls back.
   */
  expired?: boolean;
  /**
   * What Apollo's pipeline learnt of each operation of an HTTP request (src/server/plugins/observe.ts), for the
   * request's log line and metrics; absent outside HTTP requests (tests and tools calling the graph in-process).
   */
  readonly operations?: OperationFacts[];
  /** The request's span when traces are recorded: each SQL statement's span is its child (src/db/traced.ts). */
  readonly span?: Span;
  /**
   * Read replicas (src/db/read-replicas.ts). `wrote`: the request runs a mutation or opened a transaction on the
   * primary, so its later reads go there too (a replica may not have its write yet). `readPrimary`: its caller wrote
   * within the last moments (read-your-writes across requests). `readTarget`: the server its reads went to so far,
   * kept so that one request reads one replica, not several at different points of the primary's history.
   */
  wrote?: boolean;
  readPrimary?: boolean;
  readTarget?: object;
}

/** One operation of a request, as its log line and metrics report it. */
export interface OperationFacts {
  /** The operation's name; null when anonymous or when the document never resolved to an operation. */
  name: string | null;
  /** "query", "mutation"; null when no operation resolved. */
  type: string | null;
  /** sha256 of the document's text (Apollo's queryHash); null when no document was read. */
  queryHash: string | null;
  /** extensions.code of each error answered. */
  readonly errorCodes: string[];
  /** Items of a recordShipments / recordScanEvents batch by outcome (created, updated, unchanged, rejected). */
  ingest?: { readonly mutation: string; readonly counts: Readonly<Record<string, number>> };
}

const storage = new AsyncLocalStorage<RequestScope>();

export function withRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * Throws REQUEST_TIMEOUT when the current request's deadline has passed: checked before every statement
 * and before a transaction commits, so a request answered 503 changes nothing after its answer.
 */
export function assertBeforeDeadline(): void {
  if (storage.getStore()?.expired === true) {
    throw new DakgraphError(ErrorCode.REQUEST_TIMEOUT, "The request's deadline (DAKGRAPH_REQUEST_TIMEOUT_MS) passed: the rest of its work was not done.");
  }
}

/** The drizzle logger every database handle is created with: it counts statements. */
export const statementCounter: Logger = {
  logQuery(query: string, params: unknown[]): void {
    const scope = storage.getStore();
    if (scope === undefined) return;
    assertBeforeDeadline();
    scope.statements += 1;
    scope.log?.push(query);
    scope.parameters?.push(params);
  },
};
