import { type SQL, sql } from "drizzle-orm";
import { type Database, queryRows } from "../../src/db/client.js";

/*
 * Plans of the statements a request sent, for tests that assert what a plan reads (rows examined, which index),
 * never how long it took.
 */

export interface PlanNode {
  readonly "Node Type": string;
  /** A partition's scan names its partitioned table here (explain() rewrites it), and the partition in `Partition`. */
  readonly "Relation Name"?: string;
  /** The partition a scan read (set by explain() where "Relation Name" was a partition), e.g. shipment_fy2024_25_q3. */
  readonly Partition?: string;
  /** Likewise the partitioned index a partition's index belongs to, e.g. shipment_late_cod. */
  readonly "Index Name"?: string;
  readonly "Subplans Removed"?: number;
  readonly "Actual Rows": number;
  readonly "Actual Loops": number;
  readonly "Rows Removed by Filter"?: number;
  readonly "Rows Removed by Index Recheck"?: number;
  readonly Plans?: readonly PlanNode[];
}

function examined(node: PlanNode): number {
  const perLoop = node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0);
  return Math.round(perLoop * node["Actual Loops"]);
}

const scanName = (node: PlanNode) => `${node["Node Type"]} ${node["Index Name"] ?? ""}`.trim();

/**
 * Rows each scan of `shipment` in the plan examined, over all its loops (EXPLAIN shows per-loop averages). shipment is
 * partitioned by booking quarter: an Append or Merge Append whose children all scan its partitions the same way is one
 * scan of the table, its rows summed over the partitions.
 */
export function shipmentScans(node: PlanNode, into: { scan: string; rows: number }[] = []): { scan: string; rows: number }[] {
  const children = node.Plans ?? [];
  const partitionScans = children.length > 0 && children.every((c) => c["Relation Name"] === "shipment" && c.Partition !== undefined && (c.Plans ?? []).length === 0);
  if ((node["Node Type"] === "Append" || node["Node Type"] === "Merge Append") && partitionScans && new Set(children.map(scanName)).size === 1) {
    into.push({ scan: scanName(children[0]!), rows: children.reduce((sum, c) => sum + examined(c), 0) });
    return into;
  }
  if (node["Relation Name"] === "shipment") into.push({ scan: scanName(node), rows: examined(node) });
  for (const child of children) shipmentScans(child, into);
  return into;
}

/** The partitions of `table` the plan reads (those pruning left in it, at planning or at executor start-up). */
export function partitionsRead(node: PlanNode, table: string, into: Set<string> = new Set()): string[] {
  if (node["Relation Name"] === table && node.Partition !== undefined) into.add(node.Partition);
  for (const child of node.Plans ?? []) partitionsRead(child, table, into);
  return [...into].sort();
}

/** Names a partition's scans and indexes after their partitioned table and index, keeping the partition in `Partition`. */
function withParents(node: PlanNode, parents: ReadonlyMap<string, string>): PlanNode {
  const relation = node["Relation Name"];
  const index = node["Index Name"];
  const parent = relation === undefined ? undefined : parents.get(relation);
  return {
    ...node,
    ...(parent === undefined ? {} : { "Relation Name": parent, Partition: relation }),
    ...(index === undefined || !parents.has(index) ? {} : { "Index Name": parents.get(index) }),
    ...(node.Plans === undefined ? {} : { Plans: node.Plans.map((child) => withParents(child, parents)) }),
  };
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
  const rawPlanOf = (rows: Record<string, unknown>[]) => {
    const value = Object.values(rows[0]!)[0];
    return (typeof value === "string" ? JSON.parse(value) : value)[0].Plan as PlanNode;
  };
  return database.transaction(async ({ db }) => {
    // Partitions and their indexes, to their partitioned table and index (pg_inherits holds both kinds of pair).
    const pairs = await queryRows<{ child: string; parent: string }>(
      db,
      sql`select c.relname as child, p.relname as parent from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
          where p.relkind in ('p', 'I')`,
    );
    const parents = new Map(pairs.map((r) => [r.child, r.parent]));
    const planOf = (rows: Record<string, unknown>[]) => withParents(rawPlanOf(rows), parents);
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
