import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  GraphQLError,
  type GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  isLeafType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { type Db, queryText } from "../db/client.js";
import { hasRestrictedInputs, inputsAllowed } from "../modules/access/access.inputs.js";
import { ACCESS_EXTENSION, type AccessExtension, circleScope, mayRead } from "../modules/access/access.roles.js";
import { audienceOf, type Viewer } from "../modules/access/access.viewer.js";
import { LruMap } from "../lib/lru.js";
import { type ArgBinder, DECLINE, type FieldProjection, type ProjectionLimits, type TypeProjection } from "../lib/projection.js";
import { QueryModel } from "../lib/query-model.js";
import { orderTerm, pageSql } from "../db/query-sql.js";

/**
 * Answers a read operation with one SQL statement that builds its whole `data` object as JSON in
 * PostgreSQL, when every field it selects has a projection (src/lib/projection.ts, declared by the
 * modules beside their resolvers). The pickup dashboard (about 3,000 fields) then costs one statement
 * and no per-field work in Node: no resolvers, loaders or row decoding. `npm run bench` measured the
 * resolver path at 6 statements and 6–8× the CPU of a hand-written SQL server on it.
 *
 * It answers only what it can answer exactly as the resolvers would; anything else is theirs (the
 * operation is "declined" and runs as before):
 * - queries only, every field with a projection, no @skip/@include, no abstract types;
 * - a field the viewer may not read (its @Restricted roles, its Army Postal clause) is declined, so the
 *   resolvers give the FORBIDDEN/UNAUTHENTICATED error; so is, at run time, an argument value that
 *   selects rows by a value the viewer may not read (access.inputs.ts), whatever path the operation
 *   came by; a viewer limited to a postal circle is always declined (row scope);
 * - an argument value the resolvers would refuse (a page size over the limit, a cursor) is declined at
 *   run time by the projection's own check.
 *
 * Plans are built once per operation text and viewer roles, and kept (least recently used dropped).
 * test/single-statement.test.ts runs the same operations through both paths and compares the answers.
 */
export class SingleStatementPlans {
  private readonly projections = new Map<string, Map<string, FieldProjection>>();
  private readonly plans: LruMap<string, Plan | null>;
  private readonly model: QueryModel;

  constructor(
    private readonly schema: GraphQLSchema,
    projections: readonly TypeProjection[],
    private readonly limits: ProjectionLimits & { readonly publicDirectory: boolean },
    maxPlans = 500,
  ) {
    this.plans = new LruMap(maxPlans);
    this.model = new QueryModel(projections);
    for (const { type, fields } of projections) {
      const known = this.projections.get(type) ?? new Map<string, FieldProjection>();
      for (const [name, projection] of Object.entries(fields)) {
        if (known.has(name)) throw new Error(`Two projections of ${type}.${name}`);
        known.set(name, projection);
      }
      this.projections.set(type, known);
    }
  }

  /**
   * The operation's result from one statement, or undefined when the resolvers must answer it.
   * `variables` are the coerced variable values.
   */
  async run(
    queryHash: string,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    viewer: Viewer,
    db: Db,
    variables: Record<string, unknown>,
  ): Promise<ExecutionResult | undefined> {
    if (operation.operation !== "query" || circleScope(viewer) !== null) return undefined;
    const plan = this.plan(queryHash, document, operation, viewer, variables);
    if (plan === null) return undefined;
    const params = plan.bind(variables, this.limits, viewer);
    if (params === DECLINE) return undefined;
    try {
      const [row] = await queryText<{ data: Record<string, unknown> }>(db, plan.text, params);
      return { data: row!.data };
    } catch (error) {
      // One statement answers every field: when it fails, the operation has no data. The error sits at the first
      // root field, as a resolver's would, and keeps its cause, so formatError words it as for the resolvers
      // (QUERY_TIMEOUT for a cancelled statement; anything else masked and logged).
      const first = operation.selectionSet.selections[0];
      const path = first?.kind === Kind.FIELD ? [first.alias?.value ?? first.name.value] : undefined;
      return { data: null, errors: [new GraphQLError((error as Error).message, { originalError: error as Error, ...(path === undefined ? {} : { path }) })] };
    }
  }

  private plan(queryHash: string, document: DocumentNode, operation: OperationDefinitionNode, viewer: Viewer, variables: Record<string, unknown>): Plan | null {
    const key = `${queryHash}\u0000${operation.name?.value ?? ""}\u0000${audienceOf(viewer)}\u0000${variablesShape(this.schema, operation, variables)}`;
    return this.plans.getOrCompute(key, () => new PlanBuilder(this.schema, this.projections, this.model, document, viewer, this.limits.publicDirectory, variables).build(operation));
  }
}

/**
 * What of the variables shapes a plan's SQL (ArgBinder.value): which fields of an input object are given, how
 * many items a list of input objects or enum values holds, each enum value and boolean; never another scalar
 * (those are bound). Operations whose variables share a shape share a plan.
 */
export function variablesShape(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): string {
  let shape = "";
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined;
    if (type !== undefined) shape += `${definition.variable.name.value}=${shapeOf(type, variables[definition.variable.name.value])};`;
  }
  return shape;
}

function shapeOf(type: GraphQLInputType, value: unknown): string {
  if (value === null || value === undefined) return "n";
  if (isNonNullType(type)) return shapeOf(type.ofType, value);
  if (isListType(type)) {
    const named = getNamedType(type);
    if (!Array.isArray(value)) return shapeOf(type.ofType, value);
    return isInputObjectType(named) || isEnumType(named) ? `[${value.map((item) => shapeOf(type.ofType, item)).join(",")}]` : "L";
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    const given = Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== null && (value as Record<string, unknown>)[k] !== undefined && fields[k] !== undefined);
    return `{${given.sort().map((k) => `${k}:${shapeOf(fields[k]!.type, (value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  if (isEnumType(type) || typeof value === "boolean") return String(value);
  return "v";
}

/** A field argument bound at run time: which field occurrence, which argument, and its check. */
interface Slot {
  readonly field: GraphQLField<unknown, unknown>;
  readonly node: FieldNode;
  readonly name: string;
  readonly prepare: ((value: unknown, limits: ProjectionLimits) => unknown) | undefined;
}

/** A field occurrence whose argument values are checked against the viewer (access.inputs.ts) before the plan runs. */
interface Guard {
  readonly field: GraphQLField<unknown, unknown>;
  readonly node: FieldNode;
}

/** Marks a slot in the statement text: \u0001<index>\u0001. */
const SLOT = /\u0001(\d+)\u0001/;

class Plan {
  /** The statement, its slots written as $1, $2, … in order of appearance. */
  readonly text: string;
  /** The slot of each numbered parameter. */
  private readonly parameters: readonly number[];

  constructor(
    text: string,
    private readonly slots: readonly Slot[],
    private readonly guards: readonly Guard[],
    private readonly publicDirectory: boolean,
  ) {
    const pieces = text.split(SLOT);
    const parameters: number[] = [];
    this.text = pieces.map((piece, i) => (i % 2 === 0 ? piece : `$${parameters.push(Number(piece))}`)).join("");
    this.parameters = parameters;
  }

  /**
   * The statement's parameters, or DECLINE when a check refuses a slot's value (every slot is checked, used
   * or not) or an argument selects by a value the viewer may not read.
   */
  bind(variables: Record<string, unknown>, limits: ProjectionLimits, viewer: Viewer): unknown[] | typeof DECLINE {
    const argumentsOf = new Map<FieldNode, Record<string, unknown>>();
    for (const guard of this.guards) {
      const args = getArgumentValues(guard.field, guard.node, variables);
      argumentsOf.set(guard.node, args);
      if (!inputsAllowed(viewer, this.publicDirectory, guard.field, args)) return DECLINE;
    }
    const values: unknown[] = [];
    for (const slot of this.slots) {
      let args = argumentsOf.get(slot.node);
      if (args === undefined) argumentsOf.set(slot.node, (args = getArgumentValues(slot.field, slot.node, variables)));
      const value = args[slot.name] ?? null;
      const prepared = slot.prepare === undefined ? value : slot.prepare(value, limits);
      if (prepared === DECLINE) return DECLINE;
      values.push(prepared);
    }
    return this.parameters.map((slot) => values[slot]);
  }
}

/** The selection sets of a field's merged occurrences. */
function selectionSets(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((node) => (node.selectionSet === undefined ? [] : [node.selectionSet]));
}

/** A JSON array of `item` over the rows of `source`, in `order`; [] when there are none. */
function jsonList(item: string, order: string, source: string): string {
  return `(select coalesce(json_agg(${item} order by ${order}), '[]'::json) from ${source})`;
}

/** Thrown while building a plan: the operation is the resolvers'. */
class Declined extends Error {}

/** Fields of one selection by response key, merged across fragments, in selection order (as graphql-js collects them). */
type Collected = Map<string, FieldNode[]>;

class PlanBuilder {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly slots: Slot[] = [];
  private readonly guards: Guard[] = [];
  private aliases = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly projections: ReadonlyMap<string, ReadonlyMap<string, FieldProjection>>,
    private readonly model: QueryModel,
    document: DocumentNode,
    private readonly viewer: Viewer,
    private readonly publicDirectory: boolean,
    private readonly variables: Record<string, unknown>,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  build(operation: OperationDefinitionNode): Plan | null {
    const query = this.schema.getQueryType();
    if (query === null || query === undefined) return null;
    try {
      const text = `/* singleStatement ${operation.name?.value ?? ""} */ select ${this.object(query, [operation.selectionSet], "")} as data`;
      return new Plan(text, this.slots, this.guards, this.publicDirectory);
    } catch (error) {
      if (error instanceof Declined) return null;
      throw error;
    }
  }

  /** json_build_object of the selection on `type`, its fields read from the row `row`. */
  private object(type: GraphQLObjectType, sets: readonly SelectionSetNode[], row: string): string {
    const fields = new Map() as Collected;
    for (const set of sets) this.collect(type, set, fields);
    // json_build_object takes at most 100 arguments.
    if (fields.size > 50) throw new Declined();
    const pairs: string[] = [];
    for (const [key, nodes] of fields) pairs.push(`'${key}', ${this.field(type, nodes, row)}`);
    return `json_build_object(${pairs.join(", ")})`;
  }

  private collect(type: GraphQLObjectType, set: SelectionSetNode, into: Collected): void {
    for (const selection of set.selections) {
      if ((selection.directives?.length ?? 0) > 0) throw new Declined();
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const nodes = into.get(key);
        if (nodes === undefined) into.set(key, [selection]);
        else nodes.push(selection);
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? this.fragments.get(selection.name.value) : selection;
      if (fragment === undefined) throw new Declined();
      if ((fragment.directives?.length ?? 0) > 0) throw new Declined();
      const condition = fragment.typeCondition?.name.value;
      if (condition !== undefined && condition !== type.name) {
        // A fragment on an interface or union the type belongs to applies too; on another object type, it does not.
        const conditionType = this.schema.getType(condition);
        if (conditionType === undefined || isObjectType(conditionType)) continue;
        if (!this.schema.getPossibleTypes(conditionType as never).some((t) => t.name === type.name)) continue;
      }
      this.collect(type, fragment.selectionSet, into);
    }
  }

  private field(type: GraphQLObjectType, nodes: readonly FieldNode[], row: string): string {
    const name = nodes[0]!.name.value;
    if (name === "__typename") return `'${type.name}'::text`;
    const definition = type.getFields()[name];
    const projection = this.projections.get(type.name)?.get(name);
    if (definition === undefined || projection === undefined || !this.mayRead(definition)) throw new Declined();
    if (hasRestrictedInputs(definition)) for (const node of nodes) this.guards.push({ field: definition, node });
    const binder = this.binder(definition, nodes[0]!);
    const sets = selectionSets(nodes);
    switch (projection.kind) {
      case "value":
        if (!isLeafType(getNamedType(definition.type))) throw new Declined();
        return projection.sql(row);
      case "object": {
        const as = this.alias();
        return `(select ${this.object(this.objectType(projection.type), sets, as)} from ${projection.source(row, as, binder)})`;
      }
      case "list": {
        const as = this.alias();
        const item = this.object(this.objectType(projection.type), sets, as);
        return jsonList(item, projection.order(as), projection.source(row, as, binder));
      }
      case "page": {
        const connection = this.objectType(projection.connectionType);
        const as = this.alias();
        for (const name of projection.decline ?? []) binder.arg(name, "text", (value) => (value === null ? null : DECLINE));
        const fallback = projection.defaultOrder.map(({ key, descending }) => orderTerm(this.model, projection.type, key, descending));
        const condition = projection.condition;
        const page = pageSql(this.model, projection.type, projection.table, binder, as, fallback, condition === undefined ? undefined : (inner) => condition(row, inner));
        const fields = new Map() as Collected;
        for (const set of sets) this.collect(connection, set, fields);
        const inPage = `"__n" <= ${page.size}`;
        const pageOrder = page.backward ? `"__n" desc` : `"__n"`;
        const lastFirst = page.backward ? `"__n"` : `"__n" desc`;
        const pairs: string[] = [];
        for (const [key, inner] of fields) {
          const innerName = inner[0]!.name.value;
          if (innerName === "__typename") pairs.push(`'${key}', '${connection.name}'::text`);
          else if (innerName === "totalCount") pairs.push(`'${key}', ${page.count}`);
          else if (innerName === "nodes") {
            const item = this.object(this.objectType(projection.type), selectionSets(inner), as);
            pairs.push(`'${key}', coalesce(json_agg(${item} order by ${pageOrder}) filter (where ${inPage}), '[]'::json)`);
          } else if (innerName === "edges") {
            const edge = this.objectType(`${projection.type}Edge`);
            const edgeFields = new Map() as Collected;
            for (const set of selectionSets(inner)) this.collect(edge, set, edgeFields);
            const edgePairs: string[] = [];
            for (const [edgeKey, edgeNodes] of edgeFields) {
              const edgeName = edgeNodes[0]!.name.value;
              if (edgeName === "__typename") edgePairs.push(`'${edgeKey}', '${edge.name}'::text`);
              else if (edgeName === "cursor") edgePairs.push(`'${edgeKey}', ${page.cursor(as)}`);
              else if (edgeName === "node") edgePairs.push(`'${edgeKey}', ${this.object(this.objectType(projection.type), selectionSets(edgeNodes), as)}`);
              else throw new Declined();
            }
            pairs.push(`'${key}', coalesce(json_agg(json_build_object(${edgePairs.join(", ")}) order by ${pageOrder}) filter (where ${inPage}), '[]'::json)`);
          } else if (innerName === "pageInfo") {
            const info = this.objectType("PageInfo");
            const infoFields = new Map() as Collected;
            for (const set of selectionSets(inner)) this.collect(info, set, infoFields);
            const more = `count(*) > ${page.size}`;
            const values: Record<string, string> = {
              __typename: `'PageInfo'::text`,
              hasNextPage: page.backward ? page.hasCursor : more,
              hasPreviousPage: page.backward ? more : page.hasCursor,
              startCursor: `(array_agg(${page.cursor(as)} order by ${pageOrder}) filter (where ${inPage}))[1]`,
              endCursor: `(array_agg(${page.cursor(as)} order by ${lastFirst}) filter (where ${inPage}))[1]`,
            };
            const infoPairs: string[] = [];
            for (const [infoKey, infoNodes] of infoFields) {
              const value = values[infoNodes[0]!.name.value];
              if (value === undefined) throw new Declined();
              infoPairs.push(`'${infoKey}', ${value}`);
            }
            pairs.push(`'${key}', json_build_object(${infoPairs.join(", ")})`);
          } else throw new Declined();
        }
        // One row whatever is selected (totalCount alone aggregates nothing): the empty grouping set.
        return `(select json_build_object(${pairs.join(", ")}) from (select ${as}.*, row_number() over (order by ${page.readOrder(as)}) as "__n" from ${page.from}) ${as} group by ())`;
      }
      case "connection": {
        const connection = this.objectType(projection.connectionType);
        const as = this.alias();
        // The source binds the page arguments even when no nodes are asked for: their checks apply all the same.
        const source = projection.source(row, as, binder);
        const fields = new Map() as Collected;
        for (const set of sets) this.collect(connection, set, fields);
        const pairs: string[] = [];
        for (const [key, inner] of fields) {
          const innerName = inner[0]!.name.value;
          if (innerName === "__typename") pairs.push(`'${key}', '${connection.name}'::text`);
          else if (innerName === "totalCount") pairs.push(`'${key}', ${projection.count(row)}`);
          else if (innerName === "nodes") {
            const item = this.object(this.objectType(projection.type), selectionSets(inner), as);
            pairs.push(`'${key}', ${jsonList(item, projection.order(as), source)}`);
          } else throw new Declined();
        }
        return `json_build_object(${pairs.join(", ")})`;
      }
    }
  }

  /** The @Restricted / @Public rule of the field, for this viewer: Army Postal clauses included, as the plan cannot tell rows apart. */
  private mayRead(field: GraphQLField<unknown, unknown>): boolean {
    const access = field.extensions[ACCESS_EXTENSION] as AccessExtension | undefined;
    return access === undefined || mayRead(this.viewer, access, this.publicDirectory, true);
  }

  private binder(field: GraphQLField<unknown, unknown>, node: FieldNode): ArgBinder {
    return {
      arg: (name, cast, prepare) => {
        if (!field.args.some((a) => a.name === name)) throw new Error(`${field.name} has no argument ${name}`);
        this.slots.push({ field, node, name, prepare });
        return `(\u0001${this.slots.length - 1}\u0001::${cast})`;
      },
      value: (name) => getArgumentValues(field, node, this.variables)[name],
    };
  }

  private objectType(name: string): GraphQLObjectType {
    const type = this.schema.getType(name);
    if (!isObjectType(type)) throw new Error(`projection names ${name}, not an object type`);
    return type;
  }

  private alias(): string {
    this.aliases += 1;
    return `t${this.aliases}`;
  }
}
