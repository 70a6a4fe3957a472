import { GraphQLError, Kind, type ASTNode, type ValidationRule } from "graphql";
import { BadUserInputError } from "../lib/errors.js";

/*
 * Checks on a request's input that hold for every field, so that no argument or input field can forget them:
 * - nesting: JSON.parse builds a value of any depth without recursion, but JSON.stringify (the response cache key,
 *   the audit's byte count), graphql-js's coercion of custom scalars and structuredClone recurse, and a 10 KB body
 *   of `[[[…]]]` nested 5,000 deep overflows the stack. The HTTP handler measures each operation's depth here,
 *   without recursion, before anything else reads it;
 * - NUL (U+0000): PostgreSQL's text and jsonb cannot hold it, so a NUL that reached a statement failed there as an
 *   internal error. Every string in the variables and every string literal in the document is checked, whatever
 *   its field's type.
 */

/**
 * The deepest nesting of objects and lists a request body may have: the deepest input the schema takes,
 * `{ variables: { input: { shipments: [ { … } ] } } }`, is five levels; the rest is headroom for clients that wrap.
 */
export const MAX_INPUT_DEPTH = 32;

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === "object" && value !== null;
}

function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/**
 * The first entry of `value` (an operation's variables or extensions, level 1) holding objects or lists nested deeper
 * than `max` levels, as `root.name`; null when none does. Iterative: the value may nest far deeper than the stack allows.
 */
export function tooDeepEntry(value: unknown, root: string, max = MAX_INPUT_DEPTH): string | null {
  if (!isContainer(value)) return null;
  const stack: { value: Record<string, unknown> | unknown[]; entry: string; depth: number }[] = [{ value, entry: root, depth: 1 }];
  while (stack.length > 0) {
    const { value: current, entry, depth } = stack.pop()!;
    if (depth > max) return entry;
    const items: [string | number, unknown][] = Array.isArray(current) ? current.map((item, i) => [i, item]) : Object.entries(current);
    for (const [key, item] of items) {
      if (isContainer(item)) stack.push({ value: item, entry: depth === 1 ? childPath(root, key) : entry, depth: depth + 1 });
    }
  }
  return null;
}

/** The path of the first string holding U+0000 in `value` (object keys included), or null. Iterative, as tooDeepPath. */
export function nulPath(value: unknown, root: string): string | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === "string") {
      if (current.includes("\u0000")) return path;
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1) stack.push({ value: current[i], path: childPath(path, i) });
    } else if (isContainer(current)) {
      for (const [key, item] of Object.entries(current).reverse()) {
        if (key.includes("\u0000")) return childPath(path, key);
        stack.push({ value: item, path: childPath(path, key) });
      }
    }
  }
  return null;
}

/** `field` is the path at fault (`variables.input.name`, `input.name`); `place` says where it sits when that helps. */
export function nulError(field: string, place = field): BadUserInputError {
  return new BadUserInputError(`${place} contains a NUL character (U+0000), which no text field accepts.`, { field, http: { status: 400 } });
}

/** The refusal of a variable value holding NUL (see nulPath), or undefined. */
export function variablesNulError(variables: Record<string, unknown> | null | undefined): BadUserInputError | undefined {
  if (variables === null || variables === undefined) return undefined;
  const path = nulPath(variables, "variables");
  return path === null ? undefined : nulError(path);
}

/**
 * Where a literal sits: the argument path as resolvers name input fields (`input.name`, `reference`), and the place
 * with its field (`upsertPickupLocation(input.name:)`); a variable's default value is named by the variable.
 */
function literalPlace(ancestors: readonly (ASTNode | readonly ASTNode[])[]): { field: string; place: string } {
  let owner = "";
  const argument: string[] = [];
  for (const node of ancestors) {
    if (Array.isArray(node)) continue;
    const ast = node as ASTNode;
    if (ast.kind === Kind.FIELD) {
      owner = ast.name.value;
      argument.length = 0;
    } else if (ast.kind === Kind.ARGUMENT || ast.kind === Kind.OBJECT_FIELD) {
      argument.push(ast.name.value);
    } else if (ast.kind === Kind.DIRECTIVE) {
      owner = `@${ast.name.value}`;
      argument.length = 0;
    } else if (ast.kind === Kind.VARIABLE_DEFINITION) {
      const variable = `$${ast.variable.name.value}`;
      return { field: variable, place: `the default value of ${variable}` };
    }
  }
  const field = argument.join(".");
  return { field, place: `${owner}(${field}:)` };
}

/** Refuses string literals holding NUL in the document, naming the argument: BAD_USER_INPUT, as for variables. */
export const NoNulTextRule: ValidationRule = (context) => ({
  StringValue(node, _key, parent, _path, ancestors) {
    if (!node.value.includes("\u0000")) return;
    // graphql-js's ancestors stop before the parent.
    const { field, place } = literalPlace(parent === undefined ? ancestors : [...ancestors, parent]);
    const error = nulError(field, place);
    context.reportError(new GraphQLError(error.message, { nodes: [node], originalError: error }));
  },
});
