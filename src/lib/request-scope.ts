import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "drizzle-orm/logger";

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
}

const storage = new AsyncLocalStorage<RequestScope>();

export function withRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/** The drizzle logger every database handle is created with: it counts statements. */
export const statementCounter: Logger = {
  logQuery(query: string, params: unknown[]): void {
    const scope = storage.getStore();
    if (scope === undefined) return;
    scope.statements += 1;
    scope.log?.push(query);
    scope.parameters?.push(params);
  },
};
