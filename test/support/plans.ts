import { type SQL, sql } from "drizzle-orm";
import { type Database, queryRows } from "../../src/db/client.js";

/*
 * Plans of the statements a request sent, for tests that assert what a plan reads (rows examined, which index),
 * never how long it took.
 */

export interface PlanNode {
  readonly "Node Type": string;
  readonly "Relation Name"?: string;
  readonly "Index Name"?: string;
  readonly "Actual Rows": number;
  readonly "Actual Loops": number;
  readonly "Rows Removed by Filter"?: number;
  readonly "Rows Removed by Index Recheck"?: number;
  readonly Plans?: readonly PlanNode[];
}

/** Rows each scan of `shipment` in the plan examined, over all its loops (EXPLAIN shows per-loop averages). */
export function shipmentScans(node: PlanNode, into: { scan: string; rows: number }[] = []): { scan: string; rows: number }[] {
  if (node["Relation Name"] === "shipment") {
    const perLoop = node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0);
    into.push({ scan: `${node["Node Type"]} ${node["Index Name"] ?? ""}`.trim(), rows: Math.round(perLoop * node["Actual Loops"]) });
  }
  for (const child of node.Plans ?? []) shipmentScans(child, into);
  return into;
}

/** The statement as sent ($1, $2, … bound to `params`), prefixed. */
function withParameters(prefix: string, text: string, params: readonly unknown[]): SQL {
  const pieces = text.split(/\$(\d+)/);
  return sql.join(
    pieces.map((piece, i) => (i % 2 === 0 ? sql.raw(i === 0 ? `${prefix} ${piece}` : piece) : sql`${params[Number(piece) - 1]}`)),
    sql.raw(""),
  );
}

/** A literal for EXECUTE's arguments, coerced there to the prepared statement's parameter types. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return "null";
  return `'${String(value).replaceAll("'", "''")}'`;
}

export type PlanKind = "custom" | "generic";

/**
 * The statement's plan with its parameters (custom), and without them (generic) when `generic` is set: the single
 * statement runs prepared with the session's plan_cache_mode, so a server may keep a generic plan once it costs no
 * more than the custom ones; the resolvers' pool plans every statement with its parameters (src/db/client.ts).
 */
export async function explain(
  database: Database,
  text: string,
  params: readonly unknown[],
  generic: boolean,
  /** Planner settings for both plans (`enable_sort = off`…), set for the explaining transaction only. */
  settings: readonly string[] = [],
): Promise<Partial<Record<PlanKind, PlanNode>>> {
  const planOf = (rows: Record<string, unknown>[]) => {
    const value = Object.values(rows[0]!)[0];
    return (typeof value === "string" ? JSON.parse(value) : value)[0].Plan as PlanNode;
  };
  return database.transaction(async ({ db }) => {
    for (const setting of settings) await db.execute(sql.raw(`set local ${setting}`));
    const custom = planOf(await queryRows(db, withParameters("explain (analyze, format json)", text, params)));
    if (!generic) return { custom };
    await db.execute(sql`set local plan_cache_mode = force_generic_plan`);
    await db.execute(sql.raw(`prepare explained_plan as ${text}`));
    const rows = await queryRows<Record<string, unknown>>(db, sql.raw(`explain (analyze, format json) execute explained_plan(${params.map(literal).join(", ")})`));
    await db.execute(sql`deallocate explained_plan`);
    return { custom, generic: planOf(rows) };
  });
}
