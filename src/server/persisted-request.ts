/**
 * `documentId` (the GraphQL-over-HTTP persisted-documents proposal; "sha256:<hex>" or "<hex>")
 * becomes Apollo's persisted-query extension, whose cache holds the registered operations. The
 * generated documents' id (`__meta__.hash`, "sha256:<hex>") is also accepted as the extension's
 * `sha256Hash`, as the codegen client preset's own example sends it: Apollo then sees the bare hex
 * either way, so logs and the response cache key one operation by one hash.
 */
export function withDocumentId(operation: unknown): unknown {
  if (typeof operation !== "object" || operation === null || Array.isArray(operation)) return operation;
  const { documentId, ...rest } = operation as Record<string, unknown>;
  const extensions = typeof rest.extensions === "object" && rest.extensions !== null ? (rest.extensions as Record<string, unknown>) : {};
  if (typeof documentId === "string" && rest.query === undefined) {
    return { ...rest, extensions: { ...extensions, persistedQuery: { version: 1, sha256Hash: documentId.replace(/^sha256:/, "") } } };
  }
  const persisted = extensions.persistedQuery as Record<string, unknown> | null | undefined;
  if (typeof persisted?.sha256Hash !== "string" || !persisted.sha256Hash.startsWith("sha256:")) return operation;
  return { ...operation, extensions: { ...extensions, persistedQuery: { ...persisted, sha256Hash: persisted.sha256Hash.slice("sha256:".length) } } };
}
