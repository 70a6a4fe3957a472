import { type DocumentNode, Kind, type OperationDefinitionNode, type SelectionSetNode, type FragmentDefinitionNode } from "graphql";

export interface FieldVisit {
  readonly name: string;
  readonly alias: string | null;
  /** 1 for a root field. */
  readonly depth: number;
  /** True inside `__schema` / `__type` (introspection), whose shape the schema bounds. */
  readonly introspection: boolean;
  /** Introspection list fields (types, fields, args…) on the path to this field, this one included. */
  readonly introspectionLists: number;
}

// The list fields of the introspection types: nesting them is what makes introspection expensive.
const INTROSPECTION_LISTS = new Set(["types", "fields", "args", "inputFields", "interfaces", "possibleTypes", "enumValues", "directives"]);

/**
 * Visits every field of an operation with fragments expanded, as execution would reach them.
 * Runs after validation, which has rejected fragment cycles; the `seen` guard is for safety only.
 */
export function visitFields(document: DocumentNode, operation: OperationDefinitionNode, visit: (field: FieldVisit) => void): void {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walk = (set: SelectionSetNode, depth: number, introspection: boolean, lists: number, seen: ReadonlySet<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const inIntrospection = introspection || name === "__schema" || name === "__type";
        const introspectionLists = lists + (introspection && INTROSPECTION_LISTS.has(name) ? 1 : 0);
        visit({ name, alias: selection.alias?.value ?? null, depth, introspection: inIntrospection, introspectionLists });
        if (selection.selectionSet !== undefined) walk(selection.selectionSet, depth + 1, inIntrospection, introspectionLists, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, introspection, lists, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment === undefined || seen.has(fragment.name.value)) continue;
        walk(fragment.selectionSet, depth, introspection, lists, new Set([...seen, fragment.name.value]));
      }
    }
  };
  walk(operation.selectionSet, 1, false, 0, new Set());
}
