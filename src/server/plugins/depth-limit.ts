import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode, OperationDefinitionNode } from "graphql";
import type { Context } from "../../context.js";
import { ErrorCode, LimitExceededError } from "../../lib/errors.js";
import { visitFields } from "./selections.js";

/**
 * GraphiQL's introspection query nests `ofType` nine levels deep; introspection gets this fixed
 * allowance instead of the configured one, so the explorer works under a strict limit. Its cost is
 * bounded by the schema except where lists nest (__Type.fields → __Field.type → __Type.fields…):
 * GraphiQL needs three levels (types → fields → args), so three are allowed.
 */
export const INTROSPECTION_MAX_DEPTH = 16;
export const INTROSPECTION_MAX_LISTS = 3;

interface Depths {
  readonly depth: number;
  readonly introspectionDepth: number;
  readonly introspectionLists: number;
}

// Apollo keeps each parsed document (its document store), so an operation sent again is measured once.
const measured = new WeakMap<OperationDefinitionNode, Depths>();

function depths(document: DocumentNode, operation: OperationDefinitionNode): Depths {
  const known = measured.get(operation);
  if (known !== undefined) return known;
  let depth = 0;
  let introspectionDepth = 0;
  let introspectionLists = 0;
  visitFields(document, operation, (field) => {
    if (field.introspection) introspectionDepth = Math.max(introspectionDepth, field.depth);
    else depth = Math.max(depth, field.depth);
    introspectionLists = Math.max(introspectionLists, field.introspectionLists);
  });
  const result = { depth, introspectionDepth, introspectionLists };
  measured.set(operation, result);
  return result;
}

/** Refuses operations whose selections nest deeper than `max` (root fields are depth 1). */
export function depthLimitPlugin(max: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation }) {
          if (operation === undefined) return;
          const { depth, introspectionDepth, introspectionLists } = depths(document, operation);
          if (depth > max) {
            throw new LimitExceededError(ErrorCode.QUERY_TOO_DEEP, "maxDepth", depth, max, `The operation nests ${depth} levels deep; at most ${max} are allowed (DAKGRAPH_MAX_DEPTH).`);
          }
          if (introspectionDepth > INTROSPECTION_MAX_DEPTH) {
            throw new LimitExceededError(
              ErrorCode.QUERY_TOO_DEEP,
              "introspectionDepth",
              introspectionDepth,
              INTROSPECTION_MAX_DEPTH,
              `The introspection selection nests ${introspectionDepth} levels deep; at most ${INTROSPECTION_MAX_DEPTH} are allowed.`,
            );
          }
          if (introspectionLists > INTROSPECTION_MAX_LISTS) {
            throw new LimitExceededError(
              ErrorCode.QUERY_TOO_DEEP,
              "introspectionLists",
              introspectionLists,
              INTROSPECTION_MAX_LISTS,
              `The introspection selection nests ${introspectionLists} lists (types, fields, args…); at most ${INTROSPECTION_MAX_LISTS} are allowed.`,
            );
          }
        },
      };
    },
  };
}
