/** A root field was null where the caller needs its value. */
export class NullRootFieldError extends Error {}

interface AnswerError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/**
 * The value of one root field of an answer. Root fields a viewer may be denied are nullable (a denial nulls that
 * field alone and leaves the others of the request), so a typed caller that cannot go on without the value turns
 * a null into an error naming the field and the errors the answer carried, instead of asserting it away with `!`.
 */
export function requireRoot<T extends object, K extends keyof T & string>(
  data: T | null | undefined,
  field: K,
  errors: readonly AnswerError[] = [],
): NonNullable<T[K]> {
  const value = data?.[field];
  if (value !== null && value !== undefined) return value as NonNullable<T[K]>;
  const own = errors.filter((e) => e.path === undefined || e.path[0] === field);
  const described = own.map((e) => {
    const code = e.extensions?.code;
    return `${typeof code === "string" ? `${code}: ` : ""}${e.message}`;
  });
  throw new NullRootFieldError(`The answer has no ${field} (${described.length > 0 ? described.join("; ") : "and no error saying why"})`);
}
