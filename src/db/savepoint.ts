import { sql } from "drizzle-orm";
import type { Db } from "./client.js";

/*
 * A statement that fails inside a transaction aborts all of it. Where a write may fail for a reason the caller
 * can handle (a unique key another writer took first), a savepoint lets it undo just that write and go on.
 */

/** SQLSTATE of a unique-key violation. */
const UNIQUE_VIOLATION = "23505";

/** Whether `error` (or an error it wraps, as drizzle's query errors do) is a unique-key violation. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

/**
 * Runs `work` inside the savepoint `name` (an SQL identifier of ours). When it throws an error `undoable` accepts,
 * the transaction is rolled back to the savepoint, with everything `work` did (SET LOCAL included), and
 * `{ done: false }` is returned; any other error propagates and the transaction stays aborted. Nothing else may
 * use the connection while `work` runs: a statement that lands between the failure and the rollback would fail.
 */
export async function trySavepoint<T>(db: Db, name: string, work: () => Promise<T>, undoable: (error: unknown) => boolean): Promise<{ done: true; value: T } | { done: false; error: unknown }> {
  const id = sql.raw(name);
  await db.execute(sql`savepoint ${id}`);
  try {
    const value = await work();
    await db.execute(sql`release savepoint ${id}`);
    return { done: true, value };
  } catch (error) {
    if (!undoable(error)) throw error;
    await db.execute(sql`rollback to savepoint ${id}`);
    await db.execute(sql`release savepoint ${id}`);
    return { done: false, error };
  }
}
