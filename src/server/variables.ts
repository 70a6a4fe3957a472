import { getVariableValues, type GraphQLSchema, type OperationDefinitionNode } from "graphql";

type Coerced = ReturnType<typeof getVariableValues>;

/** Results by the request's own variables object, then by operation: both live exactly as long as the request. */
const coercions = new WeakMap<object, WeakMap<OperationDefinitionNode, Coerced>>();

/**
 * graphql-js's coercion of a request's variables for its operation, worked out once per request: the audit
 * plugin (does the mutation get past coercion?) and the single statement's plugin both need it, and for a 1,000-shipment
 * recordShipments one coercion is about 30 ms. Keyed by the variables object Apollo hands both of them.
 */
export function coerceVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): Coerced {
  if (variables === undefined) return getVariableValues(schema, operation.variableDefinitions ?? [], {});
  let byOperation = coercions.get(variables);
  if (byOperation === undefined) coercions.set(variables, (byOperation = new WeakMap()));
  let coerced = byOperation.get(operation);
  if (coerced === undefined) byOperation.set(operation, (coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables)));
  return coerced;
}
