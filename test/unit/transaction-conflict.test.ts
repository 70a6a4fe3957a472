import { describe, expect, it } from "vitest";
import { isTransactionConflict, withConflictRetry } from "../../src/db/transaction-conflict.js";

const deadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });

describe("withConflictRetry", () => {
  it("runs a transaction PostgreSQL aborted for a deadlock or serialization failure again, up to the limit", async () => {
    let runs = 0;
    await expect(withConflictRetry(async () => (++runs < 3 ? Promise.reject(deadlock) : "done"), 3, () => 0)).resolves.toBe("done");
    expect(runs).toBe(3);
    runs = 0;
    await expect(withConflictRetry(async () => (++runs, Promise.reject(deadlock)), 3, () => 0)).rejects.toBe(deadlock);
    expect(runs).toBe(3);
  });

  it("does not run again after any other error", async () => {
    let runs = 0;
    const unique = Object.assign(new Error("duplicate key"), { code: "23505" });
    await expect(withConflictRetry(async () => (++runs, Promise.reject(unique)), 3, () => 0)).rejects.toBe(unique);
    expect(runs).toBe(1);
  });

  it("knows the conflict codes", () => {
    expect(isTransactionConflict(deadlock)).toBe(true);
    expect(isTransactionConflict({ code: "40001" })).toBe(true);
    expect(isTransactionConflict({ code: "57P01" })).toBe(false);
    expect(isTransactionConflict(null)).toBe(false);
  });
});
