import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  visit,
} from "graphql";

/** The operations codegen compiles: the allowlist. */
export const OPERATIONS_DIR = path.resolve(import.meta.dirname, "../operations");

/**
 * One operation in a normal form: the operation, then the fragments it uses (transitively) in name
 * order, each printed by graphql-js (whitespace, commas and comments gone). A client sending the
 * whole operations file, or codegen's typed document, or a hand-formatted copy, gets the same text.
 */
export function canonicalOperation(document: DocumentNode, operationName?: string | null): string | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (operation == null) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const used = new Set<string>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name)) return;
        used.add(name);
        const fragment = fragments.get(name);
        if (fragment !== undefined) collect(fragment);
      },
    });
  };
  collect(operation);
  const parts = [print(operation), ...[...used].sort().flatMap((name) => (fragments.has(name) ? [print(fragments.get(name)!)] : []))];
  return parts.join("\n\n");
}

export function operationHash(canonical: string): string {
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

/**
 * A persisted document's id, "sha256:<hex>" (the GraphQL-over-HTTP persisted-documents form): the one
 * hashing rule. codegen.ts calls it for each generated operation (its `__meta__.hash`), and the
 * registry keys operations by the same hex, so a client's id is the server's by construction. The
 * codegen client preset's own hashing is not used: it hashes its own print, selections sorted by name
 * (@graphql-tools/documents), so its ids would match none of the registered operations' ids.
 */
export function persistedDocumentId(document: DocumentNode, operationName?: string | null): string {
  const canonical = canonicalOperation(document, operationName);
  if (canonical === null) throw new Error(`No operation${operationName == null ? "" : ` ${operationName}`} in the document.`);
  return `sha256:${operationHash(canonical)}`;
}

export interface RegisteredOperation {
  readonly name: string;
  readonly hash: string;
  readonly text: string;
}

/** Every named operation in `dir`/*.graphql, by the hash of its canonical text. */
export function loadOperationRegistry(dir: string = OPERATIONS_DIR): ReadonlyMap<string, RegisteredOperation> {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((file) => file.endsWith(".graphql")).sort() : [];
  // One document, as codegen reads them: a fragment may live in another file than its operation.
  const document = parse(files.map((file) => fs.readFileSync(path.join(dir, file), "utf8")).join("\n"));
  const registry = new Map<string, RegisteredOperation>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || definition.name === undefined) continue;
    const text = canonicalOperation(document, definition.name.value)!;
    const hash = operationHash(text);
    registry.set(hash, { name: definition.name.value, hash, text });
  }
  return registry;
}
