import type { ApolloServerPlugin } from "@apollo/server";
import type { IntrospectionMode } from "../../config.js";
import type { Context } from "../../context.js";
import { ForbiddenError, UnauthenticatedError } from "../../lib/errors.js";
import { isAuthenticated } from "../../modules/access/access.roles.js";
import type { Viewer } from "../../modules/access/access.viewer.js";
import { visitFields } from "./selections.js";

/** graphql-js's "did you mean" suffix (its didYouMean), as Apollo's own hideSchemaDetailsFromClientErrors strips it. */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

export function introspectionAllowed(mode: IntrospectionMode, viewer: Viewer): boolean {
  return mode === "all" || (mode === "authenticated" && isAuthenticated(viewer));
}

/**
 * DAKGRAPH_INTROSPECTION: who may read the schema. For a caller who may not, `__schema` and `__type` are
 * refused (UNAUTHENTICATED, HTTP 401, when a key would help; FORBIDDEN, 403, when introspection is off),
 * and the schema's names are kept out of error messages: validation and variable errors lose their
 * "Did you mean …?" suggestions, which would otherwise spell out fields and enum values one typo at a
 * time. The federation field `_service`, whose SDL is the schema, counts as introspection. `__typename` stays allowed: it names the type of an answer, not the schema.
 */
export function introspectionPlugin(mode: IntrospectionMode): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      if (introspectionAllowed(mode, contextValue.viewer)) return;
      return {
        async didResolveOperation({ document, operation }) {
          if (operation === undefined) return;
          let asks = false;
          visitFields(document, operation, (field) => {
            // `_service { sdl }` (Apollo Federation) prints the whole schema: it is introspection by another name.
            if (field.name === "__schema" || field.name === "__type" || field.name === "_service") asks = true;
          });
          if (!asks) return;
          if (mode === "off") throw new ForbiddenError("Introspection is turned off on this server (DAKGRAPH_INTROSPECTION=off).", { field: "__schema", http: { status: 403 } });
          throw new UnauthenticatedError('Introspection needs credentials on this server: send "Authorization: Bearer <API key or token>".', {
            field: "__schema",
            http: { status: 401 },
          });
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (SUGGESTION.test(error.message)) (error as { message: string }).message = error.message.replace(SUGGESTION, "");
          }
        },
      };
    },
  };
}
