import { BadUserInputError, type DakgraphError, findDakgraphError } from "./errors.js";

/*
 * Errors of all-or-nothing batches (recordShipments, scan events, remittances, serviceability, reviews,
 * holidays and the file imports): every item is checked, each problem is kept against its index, and
 * the batch fails with the first problem's message and code and every problem in `extensions.problems`.
 */

/** A problem with one item of a batch: which item, which field, why. */
export interface ItemProblem {
  readonly index: number;
  readonly field: string;
  readonly message: string;
  readonly code: string;
}

/** A BadUserInputError whose message starts with the field path; `message` continues the sentence. */
export function fieldError(field: string, value: unknown, message: string): BadUserInputError {
  return new BadUserInputError(`${field} ${message}`, { field, value });
}

/** Re-raises a scalar parser's error with the field path in front, so every message names its item. */
export function withField<T>(field: string, value: unknown, parse: (v: unknown) => T): T {
  try {
    return parse(value);
  } catch (error) {
    const ours = findDakgraphError(error);
    if (ours === undefined) throw error;
    throw new BadUserInputError(`${field}: ${ours.message}`, { ...ours.extensions, field, value });
  }
}

/** A batch error: the first problem's message and code, with every problem found listed in `problems`. */
export function batchError(problems: readonly { index: number; error: DakgraphError }[], total: number): DakgraphError {
  const [first] = problems;
  const list = problems.slice(0, 50).map(({ index, error }) => ({
    index,
    code: error.extensions.code,
    field: error.extensions.field,
    message: error.message,
  }));
  const more = problems.length > 1 ? ` (${problems.length} of ${total} items have problems; see extensions.problems)` : "";
  const error = first!.error;
  Object.assign(error.extensions, { index: first!.index, problems: list });
  Object.defineProperty(error, "message", { value: `${error.message}${more}` });
  return error;
}

/**
 * Collects per-item problems of a batch: `capture(i, work)` runs one item's check and keeps a client error
 * against its index (anything else propagates); `throwIfAny` raises them as one batchError.
 */
export function problemCollector(total: number) {
  const problems: { index: number; error: DakgraphError }[] = [];
  return {
    capture(index: number, work: () => void): void {
      try {
        work();
      } catch (error) {
        const ours = findDakgraphError(error);
        if (ours === undefined) throw error;
        problems.push({ index, error: ours });
      }
    },
    throwIfAny(): void {
      if (problems.length > 0) throw batchError([...problems].sort((a, b) => a.index - b.index), total);
    },
    problems,
  };
}
