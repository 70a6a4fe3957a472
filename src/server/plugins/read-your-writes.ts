import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../../context.js";
import { currentRequestScope } from "../../lib/request-scope.js";

/**
 * A request running a mutation reads from the primary from the moment its operation is known (src/db/read-replicas.ts):
 * the mutation's payload, and the other operations of its batch that read after it, must see its writes, which a
 * replica may not have yet. Its caller's next requests read the primary too for a while (the sticky window). Without
 * read replicas the flag changes nothing.
 */
export function readYourWritesPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== "mutation") return;
          const scope = currentRequestScope();
          if (scope !== undefined) scope.wrote = true;
        },
      };
    },
  };
}
