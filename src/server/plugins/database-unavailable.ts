import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import type { Context } from "../../context.js";
import { RETRY_AFTER_SECONDS } from "../../db/unavailable.js";
import { ErrorCode } from "../../lib/errors.js";

/** Codes that ask the client to come back later: the answer is HTTP 503 with Retry-After. */
const RETRYABLE = new Set<unknown>([ErrorCode.DATABASE_UNAVAILABLE, ErrorCode.REQUEST_TIMEOUT]);

/** True when any error of an answer (already formatted) is one the client should retry after a pause. */
function asksForRetry(errors: readonly GraphQLFormattedError[] | undefined): boolean {
  return errors !== undefined && errors.some((error) => RETRYABLE.has(error.extensions?.code));
}

/** The status and header of such an answer, for the HTTP handler's own paths. */
export const RETRY_RESPONSE = { status: 503, headers: { "retry-after": String(RETRY_AFTER_SECONDS) } } as const;

/**
 * An answer whose errors include DATABASE_UNAVAILABLE (formatError gives it to connection failures) is
 * sent as HTTP 503 with Retry-After, not 200: load balancers and clients then retry it as the outage it is.
 */
export function databaseUnavailablePlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single" || !asksForRetry(response.body.singleResult.errors)) return;
          response.http.status = RETRY_RESPONSE.status;
          response.http.headers.set("retry-after", RETRY_RESPONSE.headers["retry-after"]);
        },
      };
    },
  };
}
