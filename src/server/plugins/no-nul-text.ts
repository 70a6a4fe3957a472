import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../../context.js";
import { variablesNulError } from "../input-guard.js";

/**
 * Refuses a request whose variables hold a NUL character anywhere (BAD_USER_INPUT, naming the variable's path),
 * before any plugin or resolver reads them; NoNulTextRule does the same for the document's literals. One check for
 * every String input, present and future: no field can forget it. Listed first, so its refusal is the one answered.
 */
export function noNulTextPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          const error = variablesNulError(request.variables);
          if (error !== undefined) throw error;
        },
      };
    },
  };
}
