/**
 * The dashboard's one way to the graph: a generated typed operation sent by its persisted-document id (never as
 * text), with the viewer's key as a bearer token. Panels call `request`; a GraphQL error or a non-2xx answer
 * rejects with a GraphError carrying the graph's messages.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { persistedDocumentIdOf } from "../lib/persisted-document.js";

export class GraphError extends Error {}

/** Requests of the page on their way, and a promise settled when the count next drops to zero. */
let inFlight = 0;
let idle: { promise: Promise<void>; resolve: () => void } | null = null;

export async function request<Data, Variables>(key: string, document: TypedDocumentNode<Data, Variables>, variables: Variables): Promise<Data> {
  inFlight += 1;
  try {
    return await send(key, document, variables);
  } finally {
    inFlight -= 1;
    if (inFlight === 0 && idle !== null) {
      idle.resolve();
      idle = null;
    }
  }
}

/**
 * Like `request`, but sent once no other request of the page is on its way. For a large answer that is not the first
 * render (the coverage map's, about 0.7 MB read in one statement): the embedded database runs one statement at a time,
 * so sent beside the KPI panel's request it held the KPI tiles back by a few hundred ms (npm run bench:dashboard).
 */
export async function requestWhenIdle<Data, Variables>(key: string, document: TypedDocumentNode<Data, Variables>, variables: Variables): Promise<Data> {
  // Panels rendered with this one send theirs in the same round of effects: let them register first.
  await new Promise((resolve) => setTimeout(resolve, 0));
  while (inFlight > 0) {
    if (idle === null) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      idle = { promise, resolve };
    }
    await idle.promise;
  }
  return request(key, document, variables);
}

async function send<Data, Variables>(key: string, document: TypedDocumentNode<Data, Variables>, variables: Variables): Promise<Data> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ documentId: persistedDocumentIdOf(document), variables }),
  });
  const body = (await response.json().catch(() => null)) as { data?: Data | null; errors?: { message: string }[] } | null;
  if (body?.errors !== undefined && body.errors.length > 0) throw new GraphError(body.errors.map((e) => e.message).join(" "));
  if (!response.ok || body?.data == null) throw new GraphError(`The graph answered ${response.status}.`);
  return body.data;
}

