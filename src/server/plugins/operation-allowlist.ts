import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../../context.js";
import { DakgraphError, ErrorCode } from "../../lib/errors.js";
import { hasAnyRole, Role } from "../../modules/access/access.roles.js";
import { canonicalOperation, operationHash, type RegisteredOperation } from "../operation-registry.js";

/**
 * Allowlist mode: non-ADMIN viewers may run only the registered operations (src/operations).
 * The document is matched by the hash of its canonical form, so formatting does not matter; a
 * persisted-query hash or documentId has already been turned into the registered text.
 */
export function operationAllowlistPlugin(registry: ReadonlyMap<string, RegisteredOperation>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, contextValue }) {
          if (hasAnyRole(contextValue.viewer, [Role.ADMIN])) return;
          const canonical = canonicalOperation(document, operationName);
          if (canonical !== null && registry.has(operationHash(canonical))) return;
          throw new DakgraphError(
            ErrorCode.OPERATION_NOT_ALLOWED,
            "This server runs only registered operations (DAKGRAPH_OPERATIONS=allowlist): send one of the operations in " +
              "src/operations/*.graphql, or its sha256 as extensions.persistedQuery.sha256Hash or documentId.",
            { operationName, http: { status: 403 } },
          );
        },
      };
    },
  };
}
