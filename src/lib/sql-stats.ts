import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "drizzle-orm/logger";

/**
 * Counts the SQL statements issued on behalf of one unit of work (a GraphQL
 * request, a test). Tests assert on these counts to prove batching; the
 * benchmark reports them per operation.
 */
export interface SqlStats {
  statements: number;
  /** The statements themselves, kept only when asked for (tests). */
  readonly log?: string[];
}

const storage = new AsyncLocalStorage<SqlStats>();

export function withSqlStats<T>(stats: SqlStats, fn: () => T): T {
  return storage.run(stats, fn);
}

export function currentSqlStats(): SqlStats | undefined {
  return storage.getStore();
}

/** The drizzle logger every database handle is created with. */
export const sqlStatsLogger: Logger = {
  logQuery(query: string): void {
    const stats = storage.getStore();
    if (stats === undefined) return;
    stats.statements += 1;
    stats.log?.push(query);
  },
};
