import type { ConditionDefinition, EnumOperand, FieldProjection, Operand, RelationUses, TypeProjection } from "./projection.js";

/*
 * What analysts may filter and order each type by, read from the field registry (src/lib/projection.ts): a leaf
 * whose definition says `uses: { filter, order }`, and the leaves of a one-to-one relation whose definition says
 * so. Nothing here is written per field: the filter inputs (src/lib/query-inputs.ts), the SQL they compile to
 * (src/db/query-sql.ts) and the access they need (the mirrored output field's roles) all come from these entries.
 */

/** A leaf that may be compared or sorted by. */
export interface Comparable {
  /** The GraphQL field name on its type. */
  readonly name: string;
  readonly operand: Operand;
  readonly nullable: boolean;
  /** The value as SQL over the row alias. */
  readonly raw: (row: string) => string;
  /** The SQL type operands are bound as. */
  readonly cast: string;
  readonly filter: boolean;
  readonly order: boolean;
  /** For a field with an Army Postal clause: whether an operand value selects Army Postal rows. */
  readonly armyPostal?: (value: unknown) => boolean;
}

/** A one-to-one relation filters and orderings may go through. */
export interface Relation {
  readonly name: string;
  readonly type: string;
  readonly source: (row: string, as: string) => string;
  readonly uses: RelationUses;
}

/** One key an ordering may name: a leaf of the type, or a leaf of a one-to-one relation of it. */
export interface OrderKey {
  /** The enum value naming it: BOOKED_AT, DESTINATION_PRIMARY_STATE. */
  readonly value: string;
  readonly comparable: Comparable;
  /** The relation it is read through, or null for the type's own leaf. */
  readonly relation: Relation | null;
  /** The output fields showing it, as "Type.field": the relation's, then the leaf's. Ordering needs the roles of each. */
  readonly mirrors: readonly string[];
  /** May it be null? Through a relation, always: a row may have no related row. */
  readonly nullable: boolean;
  /** Through a relation, the value as SQL over this type's own row, when a column of it holds it (RelationUses.sameAs). */
  readonly local?: (row: string) => string;
}

const DEFAULT_CAST: Record<string, string> = {
  String: "text",
  Int: "int",
  Float: "float8",
  Boolean: "boolean",
  Date: "date",
  DateTime: "timestamptz",
  Money: "int8",
};

export function isEnumOperand(operand: Operand): operand is EnumOperand {
  return typeof operand === "object";
}

/** SCREAMING_SNAKE of a camelCase name: primaryState → PRIMARY_STATE. */
export function screaming(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

export class QueryModel {
  private readonly comparablesByType = new Map<string, Comparable[]>();
  private readonly relationsByType = new Map<string, Relation[]>();
  private readonly keys = new Map<string, NonNullable<TypeProjection["key"]>>();
  private readonly conditionsByType = new Map<string, Map<string, ConditionDefinition>>();

  constructor(projections: readonly TypeProjection[]) {
    for (const projection of projections) {
      const comparables = this.comparablesByType.get(projection.type) ?? [];
      const relations = this.relationsByType.get(projection.type) ?? [];
      for (const [name, field] of Object.entries(projection.fields)) {
        const comparable = comparableOf(projection.type, name, field);
        if (comparable !== null) comparables.push(comparable);
        if (field.kind === "object" && field.uses !== undefined) {
          // Filters append their condition to the source's WHERE (src/db/query-sql.ts).
          if (!/^\S+ \S+ where /.test(field.source("r", "a", NO_ARGUMENTS).trim())) throw new Error(`${projection.type}.${name}: a relation filtered through is "table alias where …"`);
          relations.push({ name, type: field.type, source: (row, as) => field.source(row, as, NO_ARGUMENTS), uses: field.uses });
        }
      }
      for (const [name, relation] of Object.entries(projection.relations ?? {})) {
        if (!/^\S+ \S+ where /.test(relation.source("r", "a").trim())) throw new Error(`${projection.type}.${name}: a relation filtered through is "table alias where …"`);
        relations.push({ name, ...relation });
      }
      for (const [name, uses] of Object.entries(projection.compared ?? {})) {
        const comparable = comparableOf(projection.type, name, { kind: "value", sql: uses.raw, uses });
        if (comparable !== null) comparables.push(comparable);
      }
      if (projection.key !== undefined) this.keys.set(projection.type, projection.key);
      const conditions = this.conditionsByType.get(projection.type) ?? new Map<string, ConditionDefinition>();
      for (const [name, condition] of Object.entries(projection.conditions ?? {})) conditions.set(name, condition);
      this.conditionsByType.set(projection.type, conditions);
      this.comparablesByType.set(projection.type, comparables);
      this.relationsByType.set(projection.type, relations);
    }
  }

  /** The type's filterable or orderable leaves, in registry order. */
  comparables(type: string): readonly Comparable[] {
    return this.comparablesByType.get(type) ?? [];
  }

  /** The one-to-one relations filters and orderings of the type may go through. */
  relations(type: string): readonly Relation[] {
    return this.relationsByType.get(type) ?? [];
  }

  /** The conditions with a value the type's filter takes. */
  conditions(type: string): ReadonlyMap<string, ConditionDefinition> {
    return this.conditionsByType.get(type) ?? new Map();
  }

  /** The type's unique row key: the last key of every order. */
  key(type: string): NonNullable<TypeProjection["key"]> {
    const key = this.keys.get(type);
    if (key === undefined) throw new Error(`${type} declares no row key in the field registry`);
    return key;
  }

  /** What an ordering of `type` may name: its orderable leaves, then those of its orderable relations. */
  orderKeys(type: string): readonly OrderKey[] {
    const keys: OrderKey[] = this.comparables(type)
      .filter((c) => c.order)
      .map((comparable) => ({ value: screaming(comparable.name), comparable, relation: null, mirrors: [`${type}.${comparable.name}`], nullable: comparable.nullable }));
    for (const relation of this.relations(type)) {
      if (relation.uses.order !== true) continue;
      for (const comparable of this.comparables(relation.type)) {
        if (!comparable.order) continue;
        keys.push({
          value: `${screaming(relation.name)}_${screaming(comparable.name)}`,
          comparable,
          relation,
          mirrors: [`${type}.${relation.name}`, `${relation.type}.${comparable.name}`],
          nullable: true,
          ...(relation.uses.sameAs?.[comparable.name] === undefined ? {} : { local: relation.uses.sameAs[comparable.name] }),
        });
      }
    }
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(key.value)) throw new Error(`${type} has two order keys named ${key.value}`);
      seen.add(key.value);
    }
    return keys;
  }
}

/** Relations filtered through take no argument. */
const NO_ARGUMENTS = {
  arg(): string {
    throw new Error("a relation filtered or ordered through may not take arguments");
  },
  value(): unknown {
    return undefined;
  },
};

function comparableOf(type: string, name: string, field: FieldProjection): Comparable | null {
  if (field.kind !== "value" || field.uses === undefined) return null;
  const { uses } = field;
  if (uses.filter !== true && uses.order !== true) return null;
  const operand = uses.operand;
  if (operand === undefined) throw new Error(`${type}.${name} is filterable or orderable but names no operand type`);
  return {
    name,
    operand,
    nullable: uses.nullable ?? true,
    // Parenthesised: an expression such as `count > 0` is then one operand of the operators written around it.
    raw: (row) => `(${(uses.raw ?? field.sql)(row)})`,
    cast: uses.cast ?? (isEnumOperand(operand) ? "text" : DEFAULT_CAST[operand]!),
    filter: uses.filter === true,
    order: uses.order === true,
    ...(uses.armyPostal === undefined ? {} : { armyPostal: uses.armyPostal }),
  };
}
