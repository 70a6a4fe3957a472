import { getTableColumns, type SQL, sql } from "drizzle-orm";
import { PgDialect, type PgTable } from "drizzle-orm/pg-core";

/*
 * The field registry: how each GraphQL field reads as SQL, declared by its module beside its resolvers.
 * - Leaves are defined once: a column (`columnFields`) or a computed field (`ComputedFields`, SQL over the row's
 *   columns). The single statement (src/server/single-statement.ts) writes these expressions into the JSON it
 *   builds, and the resolvers read the values the same expressions gave (their row readers select them), so the
 *   two paths cannot compute a field differently. A leaf also says what else its definition may serve
 *   (`uses`: filter, order, group); who may is the field's own access.
 * - Relations (object, list, connection) name the rows the loaders would read, for the single statement.
 * - Fields with no SQL are listed per type as `resolverOnly`, each with its reason.
 * test/field-definitions.test.ts generates operations from this registry and compares both paths on every
 * field in it.
 *
 * Relations' SQL is written as text around two names the plan builder picks: `row`, the alias of the parent's
 * row, and `as`, the alias to give the field's own rows. Argument values are never written into the text: `arg`
 * returns a placeholder, bound when the operation runs.
 */

/** Binds a field argument into the statement; returns the placeholder (with its cast) to write in the SQL. */
export interface ArgBinder {
  /**
   * The value of argument `name` (as the resolvers receive it: defaults applied, scalars parsed) as `$n::cast`.
   * `prepare` turns it into the bound value, or returns DECLINE when the resolvers must answer (a value they
   * refuse with an error, say): Apollo then executes the operation with them.
   */
  arg(name: string, cast: string, prepare?: (value: unknown, limits: ProjectionLimits) => unknown): string;
  /**
   * The value of argument `name` when the plan is built, for what shapes the SQL (which conditions a filter holds,
   * which keys an order names), never for the values themselves: those are bound through `arg`. A plan is kept per
   * shape of its variables (src/server/single-statement.ts), so a value read here is the same for every run of it.
   */
  value(name: string): unknown;
}

/** Returned by an argument's `prepare`: this operation is left to the resolvers. */
export const DECLINE: unique symbol = Symbol("decline");

/** The server limits an argument check may need. */
export interface ProjectionLimits {
  readonly maxPageSize: number;
}

/**
 * What else a leaf's SQL definition may serve besides reading it: a WHERE condition, an ORDER BY key, a GROUP BY
 * dimension. Who may use it is not said here: it is the field's own access (its @Restricted roles, read from
 * the schema's access extension), so filtering, ordering or grouping on a field needs what reading it needs.
 */
export interface FieldUses {
  readonly filter?: boolean;
  readonly order?: boolean;
  readonly group?: boolean;
  /**
   * What the field compares as, which picks its filter operators (src/lib/query-inputs.ts). A column's is read from
   * its SQL type (text → String, integer → Int, date → Date, timestamptz → DateTime, …); a computed field, and a text
   * column holding an enum's names, say theirs.
   */
  readonly operand?: Operand;
  /** May the value be null? A column's is its NOT NULL; a computed field's defaults to true. */
  readonly nullable?: boolean;
  /**
   * The value as SQL to compare and sort by, when that is not the JSON the field reads as: a timestamp column
   * reads as ISO text but compares as the column, so an index on it serves.
   */
  readonly raw?: (row: string) => string;
  /** The SQL type operands are bound as (a column's own, so its indexes serve): "char(13)", "timestamptz", … */
  readonly cast?: string;
  /** For a field with an Army Postal clause: whether an operand value selects Army Postal rows (a zone-9 PIN). */
  readonly armyPostal?: (value: unknown) => boolean;
}

/** A GraphQL enum (a TypeScript enum registered with registerEnumType) stored as its value names. */
export interface EnumOperand {
  readonly enum: Readonly<Record<string, string>>;
  readonly name: string;
}

/**
 * What a filterable or orderable field compares as: Money is an amount in rupees (as inputs take money) over a
 * column of paise.
 */
export type Operand = "String" | "Int" | "Float" | "Boolean" | "Date" | "DateTime" | "Money" | EnumOperand;

/** A filter condition with a value: SQL over the row and the value's bound placeholder. */
export interface ConditionDefinition {
  /** The GraphQL type of the value: a type-graphql type function's result (DateScalar, FiscalQuarterScalar, String). */
  readonly type: () => unknown;
  readonly description: string;
  /** "Type.field" showing what the condition selects by. */
  readonly mirrors: string;
  /** The SQL type the value is bound as. */
  readonly cast: string;
  /** The value as bound (a parsed scalar to its text). */
  readonly convert?: (value: unknown) => unknown;
  readonly sql: (row: string, value: string) => string;
}

/** A one-to-one relation's use: a filter through it (`ShipmentWhere.destination`), an order by its leaves. */
export interface RelationUses {
  readonly filter?: boolean;
  readonly order?: boolean;
  /**
   * Leaves of the related row that equal a column of this row, its foreign key (PostOffice.pincode's code is the
   * office's pincode column): an order by one reads the column, which an index of this table can serve, instead of
   * looking the related row up for every row.
   */
  readonly sameAs?: Readonly<Record<string, (row: string) => string>>;
}

export type FieldProjection =
  /** A leaf: one SQL expression over the parent row, already in the field's serialized JSON form. */
  | { readonly kind: "value"; readonly sql: (row: string) => string; readonly uses?: FieldUses }
  /**
   * One row of another type, or null: `source` is a FROM clause (with its WHERE) naming that row `as`. With `uses`,
   * the relation's own filterable and orderable fields may be filtered or ordered on from the parent (its source must
   * then take no argument).
   */
  | {
      readonly kind: "object";
      readonly type: string;
      readonly source: (row: string, as: string, args: ArgBinder) => string;
      readonly uses?: RelationUses;
    }
  /** A list of rows of another type, in `order`. */
  | {
      readonly kind: "list";
      readonly type: string;
      readonly source: (row: string, as: string, args: ArgBinder) => string;
      readonly order: (as: string) => string;
    }
  /**
   * A cursor connection of `type`'s rows in `table` (`totalCount`, `nodes`, `edges`, `pageInfo`) taking `where`,
   * `orderBy`, first/after and last/before, compiled from the query model as the resolvers' TypeQuery compiles them.
   * `condition` ties the rows to the parent row; arguments in `decline` (when given) are left to the resolvers.
   */
  | {
      readonly kind: "page";
      readonly type: string;
      readonly connectionType: string;
      readonly table: string;
      readonly defaultOrder: readonly { readonly key: string; readonly descending: boolean }[];
      readonly condition?: (parent: string, row: string) => string;
      readonly decline?: readonly string[];
    }
  /** A connection answered with `totalCount` and `nodes` only (no cursors): `source` gives the page's rows. */
  | {
      readonly kind: "connection";
      readonly type: string;
      readonly connectionType: string;
      readonly count: (row: string) => string;
      readonly source: (row: string, as: string, args: ArgBinder) => string;
      readonly order: (as: string) => string;
    };

/** The projections one module gives one GraphQL object type (several modules may add fields to a type). */
export interface TypeProjection {
  readonly type: string;
  readonly fields: Readonly<Record<string, FieldProjection>>;
  /**
   * The type's other fields (of this module), each with the reason it has no SQL definition: the resolvers alone
   * answer it, and an operation selecting it is answered by them. test/field-definitions.test.ts fails on a field
   * of a defined type that is in neither list.
   */
  readonly resolverOnly?: Readonly<Record<string, string>>;
  /**
   * Relations the resolvers alone read (listed in `resolverOnly`) that filters and orderings may still go through:
   * the relation's FROM clause, as in an "object" field.
   */
  readonly relations?: Readonly<Record<string, { readonly type: string; readonly source: (row: string, as: string) => string; readonly uses: RelationUses }>>;
  /**
   * Resolver-only fields (listed in `resolverOnly`: Money objects, say) that still compare and sort by one SQL value
   * over the row: `raw` and `operand` are then required.
   */
  readonly compared?: Readonly<Record<string, FieldUses & { readonly raw: (row: string) => string; readonly operand: Operand }>>;
  /**
   * Conditions that take a value rather than compare a field (`serviceableAsOf: Date`): what a filter may ask of the
   * type's rows that no single field holds. Each names the output field showing what it selects by (its roles apply).
   */
  readonly conditions?: Readonly<Record<string, ConditionDefinition>>;
  /** The row's unique key, which breaks ties in every order and ends every cursor: SQL over the row, and its kind. */
  readonly key?: { readonly sql: (row: string) => string; readonly kind: "n" | "s" };
}

/**
 * Plain column fields of `table`: each named field reads the column of the same property, as the type's
 * plain properties do. Timestamps are written as DateTime serializes them; everything else is PostgreSQL's
 * JSON of the column: text (enum values are stored as their names), integers, booleans, dates as YYYY-MM-DD.
 */
export function columnFields<T extends PgTable>(
  table: T,
  names: readonly (keyof T["$inferSelect"] & string)[],
  uses: Partial<Record<keyof T["$inferSelect"] & string, FieldUses>> = {},
): Record<string, FieldProjection> {
  const columns = getTableColumns(table) as Record<string, { name: string; notNull: boolean; getSQLType(): string }>;
  const fields: Record<string, FieldProjection> = {};
  for (const name of names) {
    const column = columns[name];
    if (column === undefined) throw new Error(`columnFields: ${name} is not a column`);
    const sqlName = column.name;
    const raw = (row: string) => `${row}.${sqlName}`;
    const read = column.getSQLType().startsWith("timestamp") ? (row: string) => dateTimeSql(raw(row)) : raw;
    const use = uses[name];
    fields[name] = {
      kind: "value",
      sql: read,
      ...(use === undefined ? {} : { uses: { operand: operandOf(column.getSQLType()), nullable: !column.notNull, raw, cast: castOf(column.getSQLType()), ...use } }),
    };
  }
  return fields;
}

/** The operand a column compares as, by its SQL type. */
function operandOf(type: string): Operand {
  if (type.startsWith("timestamp")) return "DateTime";
  if (type === "date") return "Date";
  if (type === "boolean") return "Boolean";
  if (type === "integer" || type === "smallint" || type === "serial") return "Int";
  if (type === "bigint" || type === "double precision" || type === "real" || type.startsWith("numeric")) return "Float";
  return "String";
}

/** The SQL type to bind a column's operands as: its own (char(13) stays char(13), so its index serves). */
function castOf(type: string): string {
  if (type.startsWith("timestamp")) return "timestamptz";
  if (type === "serial") return "int";
  return type;
}

/**
 * Column fields whose GraphQL names differ from the columns' properties (`{ validFrom: "activeFrom" }`): a field
 * renamed in the schema, and its deprecated old name, both read the one column.
 */
export function renamedColumnFields<T extends PgTable>(
  table: T,
  columnOf: Readonly<Record<string, keyof T["$inferSelect"] & string>>,
  uses: Readonly<Record<string, FieldUses>> = {},
): Record<string, FieldProjection> {
  return Object.fromEntries(
    Object.entries(columnOf).map(([field, column]) => {
      const use = uses[field];
      const usesOfColumn = (use === undefined ? {} : { [column]: use }) as Partial<Record<keyof T["$inferSelect"] & string, FieldUses>>;
      return [field, columnFields(table, [column], usesOfColumn)[column]!];
    }),
  );
}

/** A table's columns by property name, as SQL over the row alias `alias`: `"t3"."delivered_at"`. */
export type ColumnsOf<T extends PgTable> = { readonly [K in keyof T["$inferSelect"]]: SQL };

export function columnsOf<T extends PgTable>(table: T, alias: string): ColumnsOf<T> {
  const columns: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) columns[key] = sql.raw(`${alias}."${column.name}"`);
  return columns as ColumnsOf<T>;
}

/** A field computed from its own row: one SQL expression over the row's columns and the calendar helpers. */
export interface ComputedDefinition<T extends PgTable> {
  readonly sql: (columns: ColumnsOf<T>) => SQL;
  readonly uses?: FieldUses;
  /** The value to compare and sort by, when the field reads as another form of it (a day as text, say). */
  readonly compareAs?: (columns: ColumnsOf<T>) => SQL;
}

const dialect = new PgDialect();

/** Where a row keeps the computed values it was read with. */
const COMPUTED: unique symbol = Symbol("computed fields");

/** SQL text of a definition; definitions hold no parameters (their constants are written in the SQL). */
function sqlText(expression: SQL): string {
  const query = dialect.sqlToQuery(expression);
  if (query.params.length > 0) throw new Error(`a field definition may not bind parameters: ${query.sql}`);
  return query.sql;
}

/**
 * The computed fields of one type, each defined once as SQL and read by both ways of answering: the single
 * statement writes the expression into its JSON (`projections`), and the resolvers read the value the same
 * expression gave when their row was read (`columns` in the row readers' SELECT, `read` to keep it), or, for a
 * row read without it, through the type's loader of computed values (`valueOf`).
 */
export class ComputedFields<T extends PgTable, Name extends string> {
  readonly names: readonly Name[];

  constructor(
    private readonly table: T,
    private readonly definitions: Readonly<Record<Name, ComputedDefinition<T>>>,
  ) {
    this.names = Object.keys(definitions) as Name[];
  }

  /** The fields as single-statement projections: JSON-ready values (numbers, booleans, text). */
  get projections(): Record<Name, FieldProjection> {
    const fields = {} as Record<Name, FieldProjection>;
    for (const name of this.names) {
      const { sql: expression, uses, compareAs } = this.definitions[name];
      const raw = compareAs === undefined ? {} : { raw: (row: string) => sqlText(compareAs(columnsOf(this.table, row))) };
      fields[name] = {
        kind: "value",
        sql: (row) => sqlText(expression(columnsOf(this.table, row))),
        ...(uses === undefined ? {} : { uses: { nullable: true, ...raw, ...uses } }),
      };
    }
    return fields;
  }

  /** `<expression> as "<name>", …` over the row alias `alias`, for a SELECT that reads rows of the table. */
  columns(alias: string): SQL {
    const columns = columnsOf(this.table, alias);
    return sql.join(
      this.names.map((name) => sql`${this.definitions[name].sql(columns)} as ${sql.identifier(name)}`),
      sql`, `,
    );
  }

  /**
   * Keeps the computed values of a raw result row on the decoded row, out of sight: under a symbol, not
   * enumerable, so the row still equals (and spreads as) the table's row, and a computed field named like a
   * column (Shipment.armyPostOffice) never shadows the column.
   */
  read<Row extends object>(raw: Record<string, unknown>, row: Row): Row {
    const values: Record<string, unknown> = {};
    for (const name of this.names) values[name] = raw[name] ?? null;
    Object.defineProperty(row, COMPUTED, { value: values, enumerable: false });
    return row;
  }

  /** The value of `name` for `row`: the one its read carried, else the loader's (one statement per tick). */
  async valueOf<V>(row: object, name: Name, load: () => Promise<Record<Name, unknown> | null>): Promise<V> {
    const values = (row as { [COMPUTED]?: Record<Name, unknown> })[COMPUTED] ?? (await load());
    return (values?.[name] ?? null) as V;
  }
}

/** An instant as DateTime serializes it: UTC, milliseconds (truncated, as a JavaScript Date holds them), "Z". */
export function dateTimeSql(expression: string): string {
  return `to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A Relay global id as toGlobalId writes it: base64url("<Type>:<key>"), unpadded. */
export function globalIdSql(typeName: string, key: string): string {
  if (!/^[A-Za-z]+$/.test(typeName)) throw new Error(`globalIdSql: bad type name ${typeName}`);
  return `translate(encode(convert_to('${typeName}:' || ${key}, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
}
