import type { ApolloServerPlugin, GraphQLResponse } from "@apollo/server";
import { HeaderMap } from "@apollo/server";
import type { Context } from "../../context.js";
import { DakgraphError, ErrorCode } from "../../lib/errors.js";

/**
 * Which operations each transport carries: subscriptions over the WebSocket (src/server/subscriptions.ts),
 * queries and mutations over HTTP. A subscription sent over HTTP gets SUBSCRIPTION_NEEDS_WEBSOCKET (HTTP 400)
 * rather than graphql-js's uncoded execution error.
 *
 * The WebSocket server runs each subscription document through Apollo's pipeline once, with
 * `contextValue.transport` "websocket", before subscribing: persisted-document ids, validation, the allowlist,
 * introspection rights and the depth, alias and cost limits then apply to it exactly as to a query, with the
 * same errors. For such a request this plugin answers first (before the audit log, the response cache and the
 * single statement): an empty result meaning "admitted", and nothing executes.
 */
export function subscriptionTransportPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          const kind = operation?.operation;
          if (kind === undefined) return;
          if (contextValue.transport === "websocket") {
            if (kind !== "subscription") {
              throw new DakgraphError(ErrorCode.WEBSOCKET_SUBSCRIPTIONS_ONLY, `The WebSocket carries subscriptions only: send this ${kind} over HTTP (POST /graphql).`);
            }
          } else if (kind === "subscription") {
            throw new DakgraphError(
              ErrorCode.SUBSCRIPTION_NEEDS_WEBSOCKET,
              "Subscriptions run over a WebSocket at this same path (the graphql-ws protocol, subprotocol graphql-transport-ws), with the credentials in the connection_init payload.",
              { http: { status: 400 } },
            );
          }
        },
        async responseForOperation({ contextValue }): Promise<GraphQLResponse | null> {
          if (contextValue.transport !== "websocket") return null;
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: "single", singleResult: { data: {} } } };
        },
      };
    },
  };
}
