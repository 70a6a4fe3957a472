import { BadUserInputError } from "./errors.js";

/*
 * A renamed argument or input field (docs/ARCHITECTURE.md "Naming") keeps its old name for one release,
 * deprecated: clients move at their own pace, and the schema-compatibility check stays green. Both names
 * are accepted; giving both is refused, even with equal values, so a client cannot half-migrate unnoticed.
 */

/** Which name a value was given under, its new one (`current`) or its deprecated one. */
export interface RenamedValue {
  readonly current: string;
  readonly deprecated: string;
}

/**
 * The value given as `names.current`, else as `names.deprecated`, else null. `given` holds the arguments or the
 * input object as received; `path` prefixes the names in the error (`input.`).
 */
export function eitherName<T>(given: Readonly<Record<string, unknown>>, names: RenamedValue, path = ""): T | null {
  return givenName<T>(given, names, path).value;
}

/** Like eitherName, with the path of the name the value came under, for errors about the value itself. */
export function givenName<T>(given: Readonly<Record<string, unknown>>, names: RenamedValue, path = ""): { value: T | null; field: string } {
  const current = given[names.current] ?? null;
  const deprecated = given[names.deprecated] ?? null;
  if (current !== null && deprecated !== null) {
    throw new BadUserInputError(
      `${path}${names.deprecated} is the deprecated name of ${path}${names.current}: give ${path}${names.current} only.`,
      { field: `${path}${names.deprecated}`, replacedBy: `${path}${names.current}` },
    );
  }
  if (deprecated !== null) return { value: deprecated as T, field: `${path}${names.deprecated}` };
  return { value: current as T | null, field: `${path}${names.current}` };
}

/** The deprecation reason of a renamed argument or field, one wording everywhere. */
export function renamedTo(current: string): string {
  return `Use ${current}: the schema names days and periods one way; this name goes in the next release.`;
}
