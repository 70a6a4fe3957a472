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
}

export type FieldProjection =
  /** A leaf: one SQL expression over the parent row, already in the field's serialized JSON form. */
  | { readonly kind: "value"; readonly sql: (row: string) => string; readonly uses?: FieldUses }
  /** One row of another type, or null: `source` is a FROM clause (with its WHERE) naming that row `as`. */
  | { readonly kind: "object"; readonly type: string; readonly source: (row: string, as: string, args: ArgBinder) => string }
  /** A list of rows of another type, in `order`. */
  | {
      readonly kind: "list";
      readonly type: string;
      readonly source: (row: string, as: string, args: ArgBinder) => string;
      readonly order: (as: string) => string;
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
  const columns = getTableColumns(table) as Record<string, { name: string; getSQLType(): string }>;
  const fields: Record<string, FieldProjection> = {};
  for (const name of names) {
    const column = columns[name];
    if (column === undefined) throw new Error(`columnFields: ${name} is not a column`);
    const sqlName = column.name;
    const read = column.getSQLType().startsWith("timestamp") ? (row: string) => dateTimeSql(`${row}.${sqlName}`) : (row: string) => `${row}.${sqlName}`;
    fields[name] = { kind: "value", sql: read, ...(uses[name] === undefined ? {} : { uses: uses[name] }) };
  }
  return fields;
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
  const columns = columnFields(table, [...new Set(Object.values(columnOf))]);
  return Object.fromEntries(
    Object.entries(columnOf).map(([field, column]) => {
      const read = columns[column]!;
      return [field, uses[field] === undefined ? read : { ...read, uses: uses[field] }];
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
      const { sql: expression, uses } = this.definitions[name];
      fields[name] = { kind: "value", sql: (row) => sqlText(expression(columnsOf(this.table, row))), ...(uses === undefined ? {} : { uses }) };
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
