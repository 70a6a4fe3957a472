import { GraphQLError, type ValidationRule } from "graphql";

/**
 * The graph has no subscriptions, and graphql-js validates a subscription against such a schema
 * only to fail in execution with an error that carries no code (so it would be masked as internal).
 * This validation rule refuses it up front as GRAPHQL_VALIDATION_FAILED.
 */
export const NoSubscriptionsRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === "subscription" && context.getSchema().getSubscriptionType() == null) {
      context.reportError(new GraphQLError("This graph has no subscriptions: send a query or a mutation.", { nodes: [node] }));
    }
  },
});
