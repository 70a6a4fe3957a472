import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";

/**
 * Whether the field being resolved asks only for sub-fields in `allowed` (fragments expanded; directives
 * are not evaluated, so a conditional field counts as asked). Lets a resolver answer a key the parent row
 * already holds without loading the child row: `office { pincode { code } }` needs no pincode query.
 */
export function selectsOnly(info: GraphQLResolveInfo, allowed: ReadonlySet<string>): boolean {
  return info.fieldNodes.every((node) => selectionOnly(info, node.selectionSet, allowed));
}

/** Whether the field being resolved asks for the sub-field `name` (fragments expanded, directives not evaluated). */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  let found = false;
  for (const node of info.fieldNodes) forEachField(info, node.selectionSet, (field) => (found ||= field === name));
  return found;
}

/** selectsOnly for a selection set of the operation (a field below the one being resolved). */
export function selectionOnly(info: GraphQLResolveInfo, set: SelectionSetNode | undefined, allowed: ReadonlySet<string>): boolean {
  if (set === undefined) return true;
  return set.selections.every((selection) => {
    if (selection.kind === Kind.FIELD) return allowed.has(selection.name.value);
    if (selection.kind === Kind.INLINE_FRAGMENT) return selectionOnly(info, selection.selectionSet, allowed);
    const fragment = info.fragments[selection.name.value];
    return fragment !== undefined && selectionOnly(info, fragment.selectionSet, allowed);
  });
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
