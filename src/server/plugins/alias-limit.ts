import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../../context.js";
import { ErrorCode, LimitExceededError } from "../../lib/errors.js";
import { visitFields } from "./selections.js";

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
          let aliases = 0;
          visitFields(document, operation, (field) => {
            if (field.alias !== null && field.alias !== field.name) aliases += 1;
          });
          if (aliases > max) {
            throw new LimitExceededError(ErrorCode.TOO_MANY_ALIASES, "maxAliases", aliases, max, `The operation uses ${aliases} aliases; at most ${max} are allowed (DAKGRAPH_MAX_ALIASES).`);
          }
        },
      };
    },
  };
}
