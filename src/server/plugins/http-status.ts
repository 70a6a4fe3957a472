import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../../context.js";
import Negotiator from "negotiator";

/** Apollo Server's media types for a single result (its MEDIA_TYPES). */
const APPLICATION_JSON = "application/json; charset=utf-8";
const GRAPHQL_RESPONSE_JSON = "application/graphql-response+json; charset=utf-8";
const CALLBACK_JSON = "application/json; callbackSpec=1.0; charset=utf-8";

/**
 * The content type Apollo answers a single result with for this Accept header (its chooseContentTypeForSingleResultResponse),
 * or null where Apollo does something else (a 406, or the callback media type).
 */
function singleResultContentType(accept: string | undefined): string | null {
  if (accept === undefined || accept === "") return APPLICATION_JSON;
  const preferred = new Negotiator({ headers: { accept } }).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON, CALLBACK_JSON]);
  return preferred === APPLICATION_JSON || preferred === GRAPHQL_RESPONSE_JSON ? preferred : null;
}

/**
 * Codes of GraphQL request errors: the document does not parse or validate, or the variables do not coerce
 * (BAD_USER_INPUT with no data; a resolver's BAD_USER_INPUT comes with data and is answered 200 anyway).
 */
const REQUEST_ERROR_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]);

/**
 * The status of a GraphQL request error by media type, as GraphQL over HTTP asks
 * (https://graphql.github.io/graphql-over-http/draft/#sec-application-json): a response in the legacy
 * `application/json` SHOULD be 200, because clients written before the spec read the body of a 200 only, while
 * `application/graphql-response+json` keeps 400, which tells its client that nothing was executed. Apollo answers
 * 400 for both; this sets 200 where the answer is `application/json` (no Accept header, a wildcard, or `application/json`
 * preferred) and every error is a request error.
 *
 * Kept at 4xx whatever the media type: refusals by a limit (QUERY_TOO_DEEP, TOO_MANY_ALIASES, QUERY_TOO_COMPLEX,
 * and the HTTP handler's PAYLOAD_TOO_LARGE, BATCH_TOO_LARGE, nesting), an unknown or ambiguous operationName
 * (OPERATION_RESOLUTION_FAILURE), and requests that are not well-formed GraphQL-over-HTTP requests (BAD_REQUEST).
 * Batches (Apollo's extension, outside the spec) share one status between their operations and are left as Apollo
 * answers them.
 */
export function httpStatusPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, requestIsBatched }) {
          if (requestIsBatched || response.http.status !== 400 || response.body.kind !== "single") return;
          const { data, errors } = response.body.singleResult;
          if (data !== undefined || errors === undefined || errors.length === 0) return;
          if (!errors.every((error) => REQUEST_ERROR_CODES.has(String(error.extensions?.code)))) return;
          if (singleResultContentType(request.http?.headers.get("accept")) !== APPLICATION_JSON) return;
          response.http.status = 200;
        },
      };
    },
  };
}
