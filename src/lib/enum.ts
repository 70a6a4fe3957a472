/** A type-graphql enum object from a list of names: the rules and table files own the lists, GraphQL mirrors them. */
export function enumOf<const T extends readonly string[]>(names: T): { [K in T[number]]: K } {
  return Object.fromEntries(names.map((n) => [n, n])) as { [K in T[number]]: K };
}
