import type { ApolloServerPlugin, GraphQLRequestContext } from "@apollo/server";
import type { Context } from "../../context.js";
import { currentRequestScope, type OperationFacts } from "../../lib/request-scope.js";

/**
 * The batch mutations whose items are counted as ingested rows, and the input list holding the items: a
 * batch is written whole or not at all, so a refused batch counts all its items as rejected.
 */
const INGEST_MUTATIONS: Readonly<Record<string, { readonly input: string }>> = {
  recordShipments: { input: "shipments" },
  recordScanEvents: { input: "events" },
};

const INGEST_OUTCOMES = ["created", "updated", "unchanged"] as const;

/** What the payload said (its counts add up to the items sent), or every item rejected when the batch failed. */
function ingestCounts(result: unknown, error: Error | null, items: number): Record<string, number> {
  if (error !== null || typeof result !== "object" || result === null) return { rejected: items };
  const payload = result as Record<string, unknown>;
  return Object.fromEntries(INGEST_OUTCOMES.map((outcome) => [outcome, Number(payload[outcome] ?? 0)]));
}

function factsOf(request: GraphQLRequestContext<Context>, facts: OperationFacts): void {
  facts.name = request.operationName ?? request.operation?.name?.value ?? request.request.operationName ?? null;
  facts.type = request.operation?.operation ?? null;
  facts.queryHash = request.queryHash ?? null;
}

/**
 * Records each operation of an HTTP request in the request scope: its name, document hash, error codes and, for
 * the batch mutations, the items ingested by outcome. The HTTP layer (src/server/http.ts) writes the request's log
 * line and metrics from them when the response is sent, with what only it knows (status, duration, statements), and
 * names the request's span after the operation here, as soon as the operation is known.
 */
export function observePlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const scope = currentRequestScope();
      const operations = scope?.operations;
      if (scope === undefined || operations === undefined) return;
      const facts: OperationFacts = { name: null, type: null, queryHash: null, errorCodes: [] };
      operations.push(facts);
      return {
        async didResolveOperation(request) {
          factsOf(request, facts);
          scope.span?.updateName(operations.length > 1 ? "batch" : (facts.name ?? `anonymous ${facts.type}`));
        },
        async executionDidStart({ operation }) {
          // Apollo starts execution without an operation when operationName names none (OPERATION_RESOLUTION_FAILURE).
          if (operation?.operation !== "mutation") return;
          return {
            willResolveField({ info, args }) {
              const ingest = info.parentType.name === "Mutation" ? INGEST_MUTATIONS[info.fieldName] : undefined;
              if (ingest === undefined) return;
              const input = (args as { input?: Record<string, unknown> }).input?.[ingest.input];
              const items = Array.isArray(input) ? input.length : 0;
              return (error, result) => {
                facts.ingest = { mutation: info.fieldName, counts: ingestCounts(result, error, items) };
              };
            },
          };
        },
        async willSendResponse(request) {
          if (facts.queryHash === null) factsOf(request, facts);
          if (request.response.body.kind !== "single") return;
          for (const error of request.response.body.singleResult.errors ?? []) {
            facts.errorCodes.push(String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR"));
          }
        },
      };
    },
  };
}
