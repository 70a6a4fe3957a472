import type { Db } from "../../db/client.js";
import { canDeferKeyChecks, withKeyChecksDeferred } from "../../db/key-checks.js";
import { batchError } from "../../lib/batch-errors.js";
import { ConflictError } from "../../lib/errors.js";
import { READS_ALL_STORED, type StoredValueReader } from "../access/access.roles.js";
import type { ShipmentSource } from "./shipment.draft.js";
import { keyOf, planShipmentBatch, type ShipmentPlan } from "./shipment.plan.js";
import { insertShipments, lockBookingReferences, notifyShipmentChanges, updateShipmentFacts } from "./shipment.repository.js";
import type { ShipmentInsert, ShipmentRow } from "./shipment.sql.js";

/*
 * Recording shipments, shared by the recordShipments mutation and `dakgraph import shipments`: each item
 * is checked on its own (shipment.draft.ts), against the reference data (shipment.references.ts,
 * shipment.resolve.ts) and against the stored shipment (shipment.plan.ts), then the batch is written.
 */

/** Most items one recordShipments call takes. */
export const MAX_SHIPMENTS_PER_BATCH = 1000;

export interface ShipmentBatchOutcome {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** The affected shipments, in input order (a repeated item appears once per occurrence). */
  readonly shipments: ShipmentRow[];
}

/**
 * New bookings, inserted with their KPI contribution. Where src/db/key-checks.ts allows it, without the three
 * per-row foreign-key triggers, a large part of a batch insert's time: the references are locked and
 * counted set-wise first.
 */
async function insertCreates(db: Db, creates: readonly ShipmentInsert[]): Promise<ShipmentRow[]> {
  if (creates.length === 0) return [];
  const deferKeys = await canDeferKeyChecks(db, ["shipment", "kpi_rollup", "kpi_histogram"]);
  if (deferKeys && (await lockBookingReferences(db, creates)) > 0) {
    throw new ConflictError("A pickup location, product or office this batch names was deleted while it was recorded: nothing was written. Retry.");
  }
  return withKeyChecksDeferred(db, deferKeys, () => insertShipments(db, creates));
}

/**
 * Records a batch of shipments, all or nothing: every item is validated first, and any problem throws
 * (naming the first item and field, listing the others) before anything is written. Run it inside a
 * transaction so concurrent writers cannot interleave between the check and the insert.
 */
export async function recordShipmentBatch(
  db: Db,
  sources: readonly ShipmentSource[],
  prefix: string,
  readable: StoredValueReader = READS_ALL_STORED,
  now = new Date(),
): Promise<ShipmentBatchOutcome> {
  const { plans, values, stored, problems } = await planShipmentBatch(db, sources, (i) => `${prefix}[${i}]`, now, undefined, undefined, readable);
  if (problems.length > 0) throw batchError(problems, sources.length);
  const creates = plans.filter((p): p is Extract<ShipmentPlan, { kind: "create" }> => p?.kind === "create");
  const inserted = new Map((await insertCreates(db, creates.map((p) => p.values))).map((row) => [keyOf(row), row]));
  const updates = plans.filter((p): p is Extract<ShipmentPlan, { kind: "update" }> => p?.kind === "update");
  const updated = new Map((await updateShipmentFacts(db, updates.map((p) => ({ id: p.stored.id, changes: p.changes })))).map((row) => [keyOf(row), row]));
  const shipments = values.map((value) => {
    const key = keyOf(value!);
    return (updated.get(key) ?? inserted.get(key) ?? stored.get(key))!;
  });
  // Subscribers following these tracking numbers hear of the new and changed bookings when this transaction commits.
  await notifyShipmentChanges(db, { shipmentIds: [...inserted.values(), ...updated.values()].map((row) => row.id), scanEventIds: [] });
  return {
    created: creates.length,
    updated: updates.length,
    unchanged: sources.length - creates.length - updates.length,
    shipments,
  };
}

