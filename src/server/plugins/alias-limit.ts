import type { ApolloServerPlugin } from "@apollo/server";
import type { OperationDefinitionNode } from "graphql";
import type { Context } from "../../context.js";
import { ErrorCode, LimitExceededError } from "../../lib/errors.js";
import { visitFields } from "./selections.js";

// Apollo keeps each parsed document (its document store), so an operation sent again is counted once.
const counted = new WeakMap<OperationDefinitionNode, number>();

/**
 * Refuses operations with more than `max` aliases, counted as execution reaches them (an alias in
 * a fragment spread three times counts three times): aliases are how one request asks for the same
 * costly field many times over.
 */
export function aliasLimitPlugin(max: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation }) {
          if (operation === undefined) return;
          let aliases = counted.get(operation);
          if (aliases === undefined) {
            let count = 0;
            visitFields(document, operation, (field) => {
              if (field.alias !== null && field.alias !== field.name) count += 1;
            });
            counted.set(operation, (aliases = count));
          }
          if (aliases > max) {
            throw new LimitExceededError(ErrorCode.TOO_MANY_ALIASES, "maxAliases", aliases, max, `The operation uses ${aliases} aliases; at most ${max} are allowed (DAKGRAPH_MAX_ALIASES).`);
          }
        },
      };
    },
  };
}
