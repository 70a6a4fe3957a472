import { locatedError, type DocumentNode, getNamedType, isInterfaceType, isObjectType, type GraphQLSchema, Kind, type OperationDefinitionNode, type SelectionSetNode, type FragmentDefinitionNode, type GraphQLObjectType, type GraphQLInterfaceType } from "graphql";
import { ACCESS_EXTENSION, type AccessExtension, mayRead, PUBLIC, requireRoles, type Role } from "./access.roles.js";
import type { Viewer } from "./access.viewer.js";

/**
 * Refuses an operation up front when it selects a field its viewer may not read, with the error a query gets at
 * that field when it resolves (requireRoles: UNAUTHENTICATED or FORBIDDEN, `field`, `requiredRoles`,
 * `viewerRoles`, `path`). For subscriptions (src/server/subscriptions.ts): a query's denied field is one error in
 * one answer, but a subscription would repeat it in every event for as long as it lives, so it is refused before
 * it starts. Army Postal rows' further roles depend on the row and are checked per event by the resolvers.
 */
export function requireSelectionAccess(viewer: Viewer, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, publicDirectory: boolean): void {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = operation.operation === "subscription" ? schema.getSubscriptionType() : operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (root == null) return;
  const walk = (set: SelectionSetNode, parent: GraphQLObjectType | GraphQLInterfaceType, path: readonly string[], seen: ReadonlySet<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = parent.getFields()[selection.name.value];
        if (field === undefined) continue;
        const at = [...path, selection.alias?.value ?? selection.name.value];
        const access = field.extensions[ACCESS_EXTENSION] as AccessExtension | undefined;
        if (access !== undefined && !mayRead(viewer, access, publicDirectory)) {
          const roles = access.roles.includes(PUBLIC) ? [] : (access.roles as Role[]);
          try {
            requireRoles(viewer, roles, `${parent.name}.${field.name}`, at);
          } catch (error) {
            throw locatedError(error, selection, at);
          }
        }
        const type = getNamedType(field.type);
        if (selection.selectionSet !== undefined && (isObjectType(type) || isInterfaceType(type))) walk(selection.selectionSet, type, at, seen);
      } else {
        const name = selection.kind === Kind.INLINE_FRAGMENT ? null : selection.name.value;
        const fragment = name === null ? null : fragments.get(name);
        if (name !== null && (fragment === undefined || seen.has(name))) continue;
        const condition = selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition : fragment!.typeCondition;
        const type = condition === undefined ? parent : schema.getType(condition.name.value);
        const body = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragment!.selectionSet;
        if (isObjectType(type) || isInterfaceType(type)) walk(body, type, path, name === null ? seen : new Set([...seen, name]));
      }
    }
  };
  walk(operation.selectionSet, root, [], new Set());
}
