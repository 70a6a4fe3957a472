import { and, type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "./client.js";

/*
 * The one grouped statement of an aggregate over plain counts and sums (scanEventAggregates,
 * codRemittanceAggregates): keys as text k0, k1… and each measure asked, over `from` under `where`.
 */

export interface GroupedQuery {
  /** The statement's name, as its leading comment, so database logs point back to the caller. */
  readonly name: string;
  /** One key expression per grouping, in order. */
  readonly keys: readonly SQL[];
  /** Each measure asked, by its name; it is read back as a number (0 when null). */
  readonly measures: ReadonlyMap<string, SQL>;
  /** The rows and their joins. */
  readonly from: SQL;
  readonly where: readonly SQL[];
}

export interface GroupedRow {
  readonly keys: readonly (string | null)[];
  readonly values: ReadonlyMap<string, number>;
}

export async function groupedRows(db: Db, q: GroupedQuery): Promise<GroupedRow[]> {
  const names = q.keys.map((_, i) => sql.raw(`k${i}`));
  // Always a count: with no measure asked it still tells a group of rows from the one row an empty aggregate gives.
  const columns = [
    ...q.keys.map((k, i) => sql`${k} as ${names[i]!}`),
    sql`count(*) as n`,
    ...[...q.measures].map(([name, expression]) => sql`${expression} as ${sql.identifier(name)}`),
  ];
  const statement = sql`/* ${sql.raw(q.name)} */ select ${sql.join(columns, sql`, `)}
    from ${q.from}
    ${q.where.length > 0 ? sql`where ${and(...q.where)}` : sql``}
    ${names.length > 0 ? sql`group by ${sql.join(names, sql`, `)}` : sql`having count(*) > 0`}`;
  const rows = await queryRows<Record<string, unknown>>(db, statement);
  return rows.map((row) => ({
    keys: names.map((_, i) => (row[`k${i}`] === null || row[`k${i}`] === undefined ? null : String(row[`k${i}`]))),
    values: new Map([...q.measures.keys()].map((name) => [name, Number(row[name] ?? 0)])),
  }));
}
