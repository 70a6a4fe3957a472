import { BadUserInputError } from "./errors.js";

export const MAX_TEXT_FILTER_LENGTH = 100;

/** A free-text filter value: trimmed; blank means "no filter"; too long or with control characters is an error. */
export function textFilter(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === "") return null;
  if (trimmed.length > MAX_TEXT_FILTER_LENGTH) {
    throw new BadUserInputError(`${field} is ${trimmed.length} characters long; at most ${MAX_TEXT_FILTER_LENGTH} are accepted.`, {
      field,
      value: `${trimmed.slice(0, 20)}…`,
    });
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new BadUserInputError(`${field} contains control characters.`, { field, value: trimmed });
  }
  return trimmed;
}
