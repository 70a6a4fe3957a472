import { type GraphQLSchema, type GraphQLTypeResolver, isInterfaceType, isObjectType, isUnionType } from "graphql";
import { Extensions, getMetadataStorage } from "type-graphql";

/** The GraphQL field extension set by `@Lazy()`. */
const LAZY_EXTENSION = "lazy";

/**
 * Marks a property whose value may be a promise or a getter that starts work (a connection's `totalCount`,
 * counted only when selected). Such a field keeps a resolver, so that every executor awaits the value:
 * graphql-jit reads a field without a resolver inline and would not.
 */
export function Lazy(): PropertyDecorator {
  return Extensions({ [LAZY_EXTENSION]: true }) as PropertyDecorator;
}

type FieldMetadata = ReturnType<typeof getMetadataStorage>["fields"][number];

/**
 * type-graphql gives every `@Field` property a resolver of its own, which runs its middleware chain and
 * returns `root[name]`. For a property with no roles, no middleware and no field resolver that chain is
 * empty, and the wrapper is pure overhead: on the dashboard (about 3,000 fields) it was most of the
 * execution's per-field cost, and it stops the compiled executor (src/server/executor.ts) from reading the property
 * inline. This removes those wrappers, leaving GraphQL's default resolver (`root[fieldName]`), which is
 * the same read. Everything else keeps its resolver: a field with roles (@Restricted / @Public: its
 * access check), middleware, a field resolver, a property name different from its GraphQL name, or a
 * `@Lazy()` value.
 * Returns the number of fields changed.
 */
export function usePlainPropertyReads(schema: GraphQLSchema): number {
  const storage = getMetadataStorage();
  const resolved = new Map<unknown, Set<string>>();
  for (const r of storage.fieldResolvers) {
    const owner = r.getObjectType?.();
    if (owner === undefined) continue;
    const names = resolved.get(owner);
    if (names === undefined) resolved.set(owner, new Set([r.schemaName]));
    else names.add(r.schemaName);
  }
  const isPlain = (field: FieldMetadata) =>
    field.name === field.schemaName && (field.roles === undefined || field.roles === null) && (field.middlewares ?? []).length === 0;

  let changed = 0;
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    // The metadata that can stand behind each GraphQL field: the class's own fields, its ancestors' and its
    // interfaces'. A field is changed only when every candidate for its name is plain.
    const candidates = new Map<string, FieldMetadata[]>();
    const owners = new Set<unknown>(objectType.interfaceClasses ?? []);
    for (let cls: unknown = objectType.target; typeof cls === "function" && cls !== Function.prototype; cls = Object.getPrototypeOf(cls)) owners.add(cls);
    for (const field of storage.fields) {
      if (!owners.has(field.target)) continue;
      const list = candidates.get(field.schemaName);
      if (list === undefined) candidates.set(field.schemaName, [field]);
      else list.push(field);
    }
    // A field resolver declared for the type, an ancestor or an interface answers the field, whatever its metadata says.
    const answered = (name: string) => [...owners].some((owner) => resolved.get(owner)?.has(name) ?? false);
    for (const [name, field] of Object.entries(type.getFields())) {
      const metadata = candidates.get(name);
      if (metadata === undefined || answered(name) || field.resolve === undefined || field.extensions[LAZY_EXTENSION] === true || !metadata.every(isPlain)) continue;
      field.resolve = undefined;
      changed++;
    }
  }
  return changed;
}

/**
 * type-graphql wraps every interface's and union's `resolveType` in an async function. graphql-js awaits
 * it; graphql-jit, which compiles type resolution inline, expects the answer itself. This puts the
 * declared resolver back, synchronously, keeping type-graphql's one extra: a class answered instead of a
 * type name is mapped to its GraphQL type's name. (A declared resolver that is itself async is left
 * wrapped.) Returns the number of types changed.
 */
export function useSyncTypeResolution(schema: GraphQLSchema): number {
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(storage.objectTypes.map((o) => [o.target, o.name]));
  const declared = [
    ...storage.interfaceTypes.map((i) => ({ name: i.name, resolveType: i.resolveType })),
    ...storage.unions.map((u) => ({ name: u.name, resolveType: u.resolveType })),
  ];
  let changed = 0;
  for (const { name, resolveType } of declared) {
    const type = schema.getType(name);
    if (resolveType === undefined || !(isInterfaceType(type) || isUnionType(type)) || resolveType.constructor.name === "AsyncFunction") continue;
    const resolve: GraphQLTypeResolver<unknown, unknown> = (value, context, info, abstractType) => {
      const answer = (resolveType as (...args: unknown[]) => unknown)(value, context, info, abstractType);
      if (answer === null || answer === undefined) return undefined;
      if (typeof answer === "string" || typeof (answer as PromiseLike<unknown>).then === "function") return answer as string;
      return typeNames.get(answer);
    };
    type.resolveType = resolve;
    changed++;
  }
  return changed;
}
