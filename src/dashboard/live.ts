/**
 * The dashboard's live updates: a generated subscription, sent by its persisted-document id over one WebSocket per
 * key (graphql-ws, at /graphql on this origin, the key in connection_init), handing each event's data to a panel.
 * The socket opens with the first subscription and closes a moment after the last; a dropped socket (a server
 * restart, a network change) is reopened with backoff and its subscriptions sent again.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type Client, createClient } from "graphql-ws";
import { persistedDocumentIdOf } from "../lib/persisted-document.js";

const clients = new Map<string, Client>();

function clientFor(key: string): Client {
  let client = clients.get(key);
  if (client === undefined) {
    client = createClient({
      url: `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/graphql`,
      connectionParams: { Authorization: `Bearer ${key}` },
      lazyCloseTimeout: 3000,
      retryAttempts: 20,
      // A revoked key or a refused credential (4403) is final: reconnecting would be refused again.
      shouldRetry: (event) => (event as { code?: number }).code !== 4403,
    });
    clients.set(key, client);
  }
  return client;
}

/**
 * Subscribes `document` with `variables`; `onData` gets each event's data, `onError` the graph's message when the
 * subscription is refused or ends with an error. Returns the function that unsubscribes (a useEffect cleanup).
 */
export function live<Data, Variables extends Record<string, unknown>>(
  key: string,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  onData: (data: Data) => void,
  onError: (message: string) => void = () => {},
): () => void {
  return clientFor(key).subscribe<Data>(
    // The text is the server's: a registered operation is sent by id only (README "Persisted-document ids").
    { query: "", variables, extensions: { persistedQuery: { version: 1, sha256Hash: persistedDocumentIdOf(document) } } },
    {
      next: (result) => {
        if (result.errors !== undefined && result.errors.length > 0) onError(result.errors.map((e) => e.message).join(" "));
        if (result.data != null) onData(result.data);
      },
      error: (error) => onError(Array.isArray(error) ? error.map((e: { message: string }) => e.message).join(" ") : "The live connection closed."),
      complete: () => {},
    },
  );
}
