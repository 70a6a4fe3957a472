/**
 * Transactions PostgreSQL aborted to resolve a conflict between concurrent writers: a deadlock (40P01), or a
 * serialization failure (40001). The aborted transaction wrote nothing, and PostgreSQL's documentation's remedy is
 * to run it again. Two recordShipments batches that both book into a quarter with no partition yet, each after
 * reading `shipment`, deadlock in ensure_booking_partitions (each holds a read lock on the parent and asks for the
 * exclusive lock that creating the partition needs): PostgreSQL aborts one, and running it again finds the partition
 * the other made.
 */
const CONFLICT_CODES: ReadonlySet<string> = new Set(["40P01", "40001"]);

export function isTransactionConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONFLICT_CODES.has(code);
}

/** How many times a mutation's transaction is run in all when PostgreSQL aborts it for a conflict. */
export const CONFLICT_ATTEMPTS = 3;

/**
 * Runs `transaction` (a whole transaction, begun and ended inside it), again when PostgreSQL aborted it for a
 * conflict, up to `attempts` runs in all, waiting a little longer and at random between runs so the writers that
 * collided do not collide again; any other error, or the last conflict, is thrown.
 */
export async function withConflictRetry<T>(transaction: () => Promise<T>, attempts = CONFLICT_ATTEMPTS, pauseMs = (run: number) => Math.random() * 20 * run): Promise<T> {
  for (let run = 1; ; run += 1) {
    try {
      return await transaction();
    } catch (error) {
      if (run >= attempts || !isTransactionConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs(run)));
    }
  }
}
