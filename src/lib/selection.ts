import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";

/** Whether the field being resolved asks for the sub-field `name` (fragments expanded, directives not evaluated). */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  let found = false;
  for (const node of info.fieldNodes) forEachField(info, node.selectionSet, (field) => (found ||= field === name));
  return found;
}

/** Calls `visit` for every field of a selection set, fragments expanded (directives not evaluated). */
export function forEachField(info: GraphQLResolveInfo, set: SelectionSetNode | undefined, visit: (name: string, field: FieldNode) => void): void {
  if (set === undefined) return;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) visit(selection.name.value, selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) forEachField(info, selection.selectionSet, visit);
    else {
      const fragment = info.fragments[selection.name.value];
      if (fragment !== undefined) forEachField(info, fragment.selectionSet, visit);
    }
  }
}
