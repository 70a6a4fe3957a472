import { getTableColumns } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/*
 * How a module's GraphQL fields read as SQL, for the single statement (src/server/single-statement.ts):
 * an operation whose every field has a projection is answered by one statement that builds the whole `data`
 * object as JSON in PostgreSQL. Each module declares the projections of its own fields, beside its resolvers,
 * and they must answer exactly what the resolvers answer: test/single-statement.test.ts runs the same
 * operations through both and compares. A field without a projection is simply answered by the resolvers.
 *
 * SQL is written as text around two names the plan builder picks: `row`, the alias of the parent's row, and
 * `as`, the alias to give the field's own rows. Argument values are never written into the text: `arg`
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

export type FieldProjection =
  /** A leaf: one SQL expression over the parent row, already in the field's serialized JSON form. */
  | { readonly kind: "value"; readonly sql: (row: string) => string }
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
}

/**
 * Plain column fields of `table`: each named field reads the column of the same property, as the type's
 * plain properties do. Timestamps are written as DateTime serializes them; everything else is PostgreSQL's
 * JSON of the column: text (enum values are stored as their names), integers, booleans, dates as YYYY-MM-DD.
 */
export function columnFields<T extends PgTable>(table: T, names: readonly (keyof T["$inferSelect"] & string)[]): Record<string, FieldProjection> {
  const columns = getTableColumns(table) as Record<string, { name: string; getSQLType(): string }>;
  const fields: Record<string, FieldProjection> = {};
  for (const name of names) {
    const column = columns[name];
    if (column === undefined) throw new Error(`columnFields: ${name} is not a column`);
    const sqlName = column.name;
    fields[name] = column.getSQLType().startsWith("timestamp") ? { kind: "value", sql: (row) => dateTimeSql(`${row}.${sqlName}`) } : { kind: "value", sql: (row) => `${row}.${sqlName}` };
  }
  return fields;
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
