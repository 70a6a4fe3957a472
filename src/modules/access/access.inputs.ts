import {
  type GraphQLArgument,
  type GraphQLEnumValue,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
} from "graphql";
import { ACCESS_EXTENSION, type AccessExtension, mayRead, PUBLIC, requireRoles, type Role, visibleTo } from "./access.roles.js";
import type { Viewer } from "./access.viewer.js";

/*
 * The inputs half of the access model (access.roles.ts states the rules): an argument, input field or
 * group-by value needs the roles of the output field that shows the value it selects rows by. Each
 * module declares, beside its args, which output field each of its inputs mirrors; the roles are read
 * from that field's @Restricted mark when the schema is built, so they are written once.
 */

/** Selects rows by no stored value: a page size, a cursor the server issued, a radius, a unit. */
export const UNSELECTIVE = Object.freeze({ kind: "unselective" as const });
/** An enum argument whose values select or split rows differently (group-by dimensions): each value is declared as `Enum.VALUE`. */
export const BY_VALUE = Object.freeze({ kind: "byValue" as const });
/** An input object (a filter): each of its fields is declared as `Input.field`. */
export const BY_FIELD = Object.freeze({ kind: "byField" as const });
/**
 * An operator of a filter field (`StringFilter.eq`): it selects by that field's value, and the filter field that
 * holds it is declared with the field it mirrors, whose roles it needs.
 */
export const OPERATOR = Object.freeze({ kind: "operator" as const });

export type InputDeclaration =
  /** "Type.field": the output field that shows the value this input selects rows by. */
  | string
  /** As a string, and the values for which `armyPostal` is true select Army Postal rows (the field's Army Postal roles apply). */
  | { readonly mirrors: string; readonly armyPostal: (value: unknown) => boolean }
  /** As a string, read through the relation field `through` (an order key of a related row): its roles are needed too. */
  | { readonly mirrors: string; readonly through: string }
  | typeof UNSELECTIVE
  | typeof OPERATOR
  | typeof BY_VALUE
  | typeof BY_FIELD;

/**
 * A module's declarations, keyed by schema coordinate: `Type.field(arg:)` for an argument, `Input.field`
 * for an input field, `Enum.VALUE` for a value of a BY_VALUE argument.
 */
export type InputDeclarations = Readonly<Record<string, InputDeclaration>>;

/** The GraphQL extension (on arguments, input fields and enum values) carrying the resolved rule. */
export const INPUT_ACCESS_EXTENSION = "inputAccess";

export interface InputAccess {
  readonly coordinate: string;
  /** The output field mirrored; null for UNSELECTIVE, BY_VALUE and BY_FIELD inputs. */
  readonly mirrors: string | null;
  /** UNSELECTIVE, BY_VALUE, BY_FIELD or OPERATOR, for those. */
  readonly marker?: "unselective" | "byValue" | "byField" | "operator";
  /** That field's mark (the same object), or undefined when the field is open to whoever reaches it. */
  readonly access: AccessExtension | undefined;
  /** The relation field the value is read through, and its mark, when the declaration names one. */
  readonly through?: { readonly field: string; readonly access: AccessExtension | undefined };
  readonly armyPostal?: (value: unknown) => boolean;
}

type InputElement = GraphQLArgument | GraphQLInputField | GraphQLEnumValue;

export interface ReachableInput {
  readonly coordinate: string;
  readonly kind: "argument" | "inputField" | "enumValue";
  readonly element: InputElement;
  /** The input's type (enum values: their enum). */
  readonly type: string;
}

/**
 * Every argument of every field reachable from Query, every field of the input types those reach, and
 * every value of an enum argument or input field declared BY_VALUE (`byValue` tells which).
 */
export function reachableInputs(schema: GraphQLSchema, byValue: (coordinate: string) => boolean): ReachableInput[] {
  const inputs: ReachableInput[] = [];
  const seenTypes = new Set<string>();
  const seenInputs = new Set<string>();
  const enumValues = (coordinate: string, type: GraphQLInputType) => {
    const named = getNamedType(type);
    if (!isEnumType(named) || !byValue(coordinate)) return;
    for (const value of named.getValues()) {
      const key = `${named.name}.${value.name}`;
      if (seenInputs.has(key)) continue;
      seenInputs.add(key);
      inputs.push({ coordinate: key, kind: "enumValue", element: value, type: named.name });
    }
  };
  const visitInput = (type: GraphQLInputType) => {
    const named = getNamedType(type);
    if (!isInputObjectType(named) || seenInputs.has(named.name)) return;
    seenInputs.add(named.name);
    for (const field of Object.values(named.getFields())) {
      const coordinate = `${named.name}.${field.name}`;
      inputs.push({ coordinate, kind: "inputField", element: field, type: String(field.type) });
      enumValues(coordinate, field.type);
      visitInput(field.type);
    }
  };
  const visit = (name: string) => {
    if (seenTypes.has(name)) return;
    seenTypes.add(name);
    const type = schema.getType(name);
    if (!isObjectType(type) && !isInterfaceType(type)) return;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        const coordinate = `${type.name}.${field.name}(${arg.name}:)`;
        inputs.push({ coordinate, kind: "argument", element: arg, type: String(arg.type) });
        enumValues(coordinate, arg.type);
        visitInput(arg.type);
      }
      visit(getNamedType(field.type).name);
    }
    if (isInterfaceType(type)) for (const possible of schema.getPossibleTypes(type)) visit(possible.name);
  };
  const query = schema.getQueryType();
  if (query !== null && query !== undefined) visit(query.name);
  // A subscription's arguments select the rows its events carry, as a query's select its rows.
  const subscription = schema.getSubscriptionType();
  if (subscription !== null && subscription !== undefined) visit(subscription.name);
  return inputs;
}

export function inputAccessOf(element: InputElement): InputAccess | undefined {
  return element.extensions[INPUT_ACCESS_EXTENSION] as InputAccess | undefined;
}

function restrictedMark(access: AccessExtension | undefined): boolean {
  return access !== undefined && !(access.roles.includes(PUBLIC) && access.armyPostal === undefined);
}

function isRestricted(rule: InputAccess | undefined): boolean {
  return restrictedMark(rule?.access) || restrictedMark(rule?.through?.access);
}

/**
 * Resolves the modules' declarations against the schema: each declared input gets its rule (the mirrored
 * field's own mark) and, when restricted, "Usable by: …" in its description. A declaration naming an
 * input or output the schema lacks is an error, and so is a restricted input on a field that carries no
 * mark (its arguments would go unchecked: the check runs with the field's own).
 */
export function applyInputAccess(schema: GraphQLSchema, modules: readonly InputDeclarations[]): void {
  const declarations = new Map<string, InputDeclaration>();
  for (const module of modules) {
    for (const [coordinate, declaration] of Object.entries(module)) {
      if (declarations.has(coordinate)) throw new Error(`${coordinate} is declared twice`);
      declarations.set(coordinate, declaration);
    }
  }
  const used = new Set<string>();
  for (const input of reachableInputs(schema, (coordinate) => declarations.get(coordinate) === BY_VALUE)) {
    const declaration = declarations.get(input.coordinate);
    if (declaration === undefined) continue;
    used.add(input.coordinate);
    const rule = resolveDeclaration(schema, input.coordinate, declaration);
    (input.element as { extensions: Record<string, unknown> }).extensions = { ...input.element.extensions, [INPUT_ACCESS_EXTENSION]: rule };
    if (isRestricted(rule)) {
      const mark = restrictedMark(rule.access) ? rule.access! : rule.through!.access!;
      const through = rule.through === undefined ? "" : ` through ${rule.through.field}`;
      const text = `${visibleTo(mark, "Usable by", "Army Postal values (zone-9 PINs)")} It selects by ${rule.mirrors}${through}.`;
      input.element.description = input.element.description ? `${input.element.description} ${text}` : text;
    }
  }
  const stale = [...declarations.keys()].filter((coordinate) => !used.has(coordinate));
  if (stale.length > 0) throw new Error(`Input access declarations name inputs the schema lacks: ${stale.join(", ")}`);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.extensions[ACCESS_EXTENSION] === undefined && hasRestrictedInputs(field)) {
        throw new Error(`${type.name}.${field.name} takes a restricted input but carries no access mark: add @Restricted or @Public.`);
      }
    }
  }
}

function resolveDeclaration(schema: GraphQLSchema, coordinate: string, declaration: InputDeclaration): InputAccess {
  if (typeof declaration !== "string" && !("mirrors" in declaration)) {
    return { coordinate, mirrors: null, access: undefined, marker: declaration.kind };
  }
  const mirrors = typeof declaration === "string" ? declaration : declaration.mirrors;
  const markOf = (coordinates: string) => {
    const [typeName, fieldName] = coordinates.split(".");
    const type = schema.getType(typeName ?? "");
    const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[fieldName ?? ""] : undefined;
    if (field === undefined) throw new Error(`${coordinate} mirrors ${coordinates}, which the schema lacks`);
    return field.extensions[ACCESS_EXTENSION] as AccessExtension | undefined;
  };
  const access = markOf(mirrors);
  if (typeof declaration === "string") return { coordinate, mirrors, access };
  if ("through" in declaration) return { coordinate, mirrors, access, through: { field: declaration.through, access: markOf(declaration.through) } };
  return { coordinate, mirrors, access, armyPostal: declaration.armyPostal };
}

const restrictedInputsByType = new WeakMap<object, boolean>();

function typeHasRestrictedInputs(type: GraphQLInputType): boolean {
  const named = getNamedType(type);
  let known = restrictedInputsByType.get(named);
  if (known !== undefined) return known;
  restrictedInputsByType.set(named, false);
  if (isEnumType(named)) known = named.getValues().some((value) => isRestricted(inputAccessOf(value)));
  else if (isInputObjectType(named)) known = Object.values(named.getFields()).some((f) => isRestricted(inputAccessOf(f)) || typeHasRestrictedInputs(f.type));
  else known = false;
  restrictedInputsByType.set(named, known);
  return known;
}

/** True when some argument of the field (or an input field or enum value inside one) needs roles. */
export function hasRestrictedInputs(field: GraphQLField<unknown, unknown>): boolean {
  return field.args.some((arg) => isRestricted(inputAccessOf(arg)) || typeHasRestrictedInputs(arg.type));
}

function requireRule(viewer: Viewer, publicDirectory: boolean, rule: InputAccess | undefined, value: unknown, path: string): void {
  if (rule?.through?.access !== undefined) requireRule(viewer, publicDirectory, { coordinate: rule.coordinate, mirrors: rule.through.field, access: rule.through.access }, value, path);
  if (rule === undefined || rule.access === undefined) return;
  const details = { mirrors: rule.mirrors, argument: path };
  if (!mayRead(viewer, rule.access, publicDirectory)) {
    requireRoles(viewer, rule.access.roles.includes(PUBLIC) ? [] : (rule.access.roles as Role[]), rule.coordinate, undefined, details);
  }
  const army = rule.access.armyPostal;
  if (army !== undefined && rule.armyPostal !== undefined && rule.armyPostal(value)) requireRoles(viewer, army, rule.coordinate, undefined, details);
}

function requireValue(viewer: Viewer, publicDirectory: boolean, type: GraphQLInputType, value: unknown, path: string): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return requireValue(viewer, publicDirectory, type.ofType, value, path);
  if (isListType(type)) {
    if (Array.isArray(value)) value.forEach((item, i) => requireValue(viewer, publicDirectory, type.ofType, item, `${path}[${i}]`));
    else requireValue(viewer, publicDirectory, type.ofType, value, path);
    return;
  }
  if (!typeHasRestrictedInputs(type)) return;
  if (isEnumType(type)) {
    const enumValue = type.getValues().find((v) => v.value === value);
    if (enumValue !== undefined) requireRule(viewer, publicDirectory, inputAccessOf(enumValue), value, path);
    return;
  }
  if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      const inner = (value as Record<string, unknown>)[field.name];
      if (inner === null || inner === undefined) continue;
      requireRule(viewer, publicDirectory, inputAccessOf(field), inner, `${path}.${field.name}`);
      requireValue(viewer, publicDirectory, field.type, inner, `${path}.${field.name}`);
    }
  }
}

/**
 * Throws UNAUTHENTICATED / FORBIDDEN (as for the field itself, with `field` the input's coordinate and
 * `mirrors` the output field) when an argument value selects rows by a value the viewer may not read.
 * `args` are the field's coerced argument values.
 */
export function requireInputs(viewer: Viewer, publicDirectory: boolean, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): void {
  if (!hasRestrictedInputs(field)) return;
  for (const arg of field.args) {
    const value = args[arg.name];
    if (value === null || value === undefined) continue;
    requireRule(viewer, publicDirectory, inputAccessOf(arg), value, arg.name);
    requireValue(viewer, publicDirectory, arg.type, value, arg.name);
  }
}

/** requireInputs as a predicate, for paths that hand a refused operation to the resolvers (single-statement plans). */
export function inputsAllowed(viewer: Viewer, publicDirectory: boolean, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): boolean {
  try {
    requireInputs(viewer, publicDirectory, field, args);
    return true;
  } catch {
    return false;
  }
}
