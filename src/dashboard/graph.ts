/**
 * The dashboard's one way to the graph: a generated typed operation sent by its persisted-document id (never as
 * text), with the viewer's key as a bearer token. Panels call `request`; a GraphQL error or a non-2xx answer
 * rejects with a GraphError carrying the graph's messages.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { persistedDocumentIdOf } from "../lib/persisted-document.js";

export class GraphError extends Error {}

export async function request<Data, Variables>(key: string, document: TypedDocumentNode<Data, Variables>, variables: Variables): Promise<Data> {
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

