import type { Db } from "../../db/client.js";
import { withKpiDelta } from "../kpi/kpi-rollup.repository.js";
import { ConflictError, type DakgraphError } from "../../lib/errors.js";
import { istDateOf } from "../../lib/fiscal-quarter.js";
import { parseCalendarDate } from "../../lib/scalars.js";
import { parseTrackingNumber } from "../../lib/s10.js";
import { addDeliveriesToRollup } from "../coverage/coverage.repository.js";
import { findPublicHolidays } from "../service-norm/service-norm.repository.js";
import { promisedDateOf } from "../service-norm/service-norm.rules.js";
import {
  distinctReasons,
  deriveShipmentState,
  FAILED_ATTEMPT_REASONS,
  type FailedAttemptReason,
  mergeDerivedState,
  parseScanInput,
  type ScanEventType,
  type ShipmentState,
} from "./scan-event.rules.js";
import { fieldError, problemCollector, withField } from "../../lib/batch-errors.js";
import { findOfficeTypes } from "../post-office/post-office.repository.js";
import {
  fillScanEvents,
  findEventsByShipmentIds,
  findShipmentsByIds,
  findShipmentsByTrackingNumbers,
  insertScanEvents,
  updateDerivedShipments,
} from "./shipment.repository.js";
import { type ScanEventRow, scanEventTable, type ShipmentRow } from "./shipment.sql.js";

/*
 * Recording scan events, shared by the recordScanEvents mutation and `dakgraph import shipments`.
 *
 * - A scan belongs to the booking of its tracking number made on or before the scan's IST day (the
 *   latest such booking), unless the sender names the booking date.
 * - A scan is identified by (shipment, time, type): the same scan again is "unchanged"; an office or
 *   reason that fills a stored null is "updated"; a different stored value is a CONFLICT.
 * - After the events land, each touched shipment's status is re-derived from its whole timeline and
 *   merged with the stored one by mergeDerivedState: the status never moves backwards.
 */

export const MAX_EVENTS_PER_BATCH = 1000;

const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;

export interface ScanEventSource {
  readonly trackingNumber: unknown;
  readonly bookingDate?: unknown;
  readonly occurredAt: unknown;
  /** India Post's raw event text, or a normalised type name. */
  readonly event: unknown;
  readonly failedReason?: unknown;
  /** Directory id of the office (already decoded from a global id by the caller). */
  readonly officeId?: number | null;
  readonly officeName?: unknown;
}

interface ScanDraft {
  readonly trackingNumber: string;
  readonly bookingDate: string | null;
  readonly occurredAt: Date;
  readonly type: ScanEventType;
  readonly failedReason: FailedAttemptReason | null;
  readonly officeId: number | null;
  readonly officeName: string | null;
  readonly rawText: string | null;
}

function draftScan(source: ScanEventSource, prefix: string, now: Date): ScanDraft {
  const trackingNumber = withField(`${prefix}.trackingNumber`, source.trackingNumber, parseTrackingNumber);
  const bookingDate =
    source.bookingDate === null || source.bookingDate === undefined ? null : parseCalendarDate(source.bookingDate, `${prefix}.bookingDate`);
  const occurredAt = source.occurredAt instanceof Date ? source.occurredAt : new Date(Number.NaN);
  if (Number.isNaN(occurredAt.getTime())) throw fieldError(`${prefix}.occurredAt`, source.occurredAt, "must be a date and time with a time zone.");
  if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw fieldError(`${prefix}.occurredAt`, source.occurredAt, `is ${occurredAt.toISOString()}, in the future: a scan records what happened.`);
  }
  const parsed = parseScanInput(source.event, `${prefix}.event`);
  let failedReason = parsed.reason;
  if (source.failedReason !== null && source.failedReason !== undefined) {
    if (parsed.type !== "DELIVERY_ATTEMPTED") {
      throw fieldError(`${prefix}.failedReason`, source.failedReason, `is only for DELIVERY_ATTEMPTED scans; this one is ${parsed.type}.`);
    }
    if (!(FAILED_ATTEMPT_REASONS as readonly unknown[]).includes(source.failedReason)) {
      throw fieldError(`${prefix}.failedReason`, source.failedReason, `must be one of ${FAILED_ATTEMPT_REASONS.join(", ")}.`);
    }
    failedReason = source.failedReason as FailedAttemptReason;
  }
  const officeName = source.officeName === null || source.officeName === undefined ? null : String(source.officeName).replace(/\s+/g, " ").trim();
  if (officeName !== null && (officeName.length === 0 || officeName.length > 120)) {
    throw fieldError(`${prefix}.officeName`, source.officeName, "must be 1 to 120 characters.");
  }
  const rawText = typeof source.event === "string" && source.event.trim().toUpperCase() !== parsed.type ? source.event.trim() : null;
  if (rawText !== null && rawText.length > 200) throw fieldError(`${prefix}.event`, source.event, "must be at most 200 characters.");
  return { trackingNumber, bookingDate, occurredAt, type: parsed.type, failedReason, officeId: source.officeId ?? null, officeName, rawText };
}

export interface ScanBatchOutcome {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly events: ScanEventRow[];
  /** The shipments the events belong to, as stored after their status was re-derived. */
  readonly shipments: ShipmentRow[];
  /** Items left out (skipInvalid only; otherwise any problem throws). */
  readonly problems: readonly { index: number; error: DakgraphError }[];
}

function stateOf(row: ShipmentRow): ShipmentState {
  return {
    status: row.status,
    deliveredAt: row.deliveredAt,
    attempts: row.attempts,
    firstAttemptAt: row.firstAttemptAt,
    failedReasons: [],
    outForDeliveryCount: row.outForDeliveryCount,
    returnedAt: row.returnedAt,
    rtoDeliveredAt: row.rtoDeliveredAt,
    lastEventAt: row.lastEventAt,
  };
}

const eventKey = (shipmentId: number, at: Date, type: string) => `${shipmentId}/${at.getTime()}/${type}`;

/**
 * Records a batch of scans, then re-derives every touched shipment's status. All or nothing by default;
 * with `skipInvalid` (the file importer) invalid items are left out and returned in `problems`.
 */
export async function recordScanEventBatch(
  db: Db,
  sources: readonly ScanEventSource[],
  prefixOf: (index: number) => string,
  options: { readonly now?: Date; readonly skipInvalid?: boolean } = {},
): Promise<ScanBatchOutcome> {
  const now = options.now ?? new Date();
  const { capture, throwIfAny, problems } = problemCollector(sources.length);
  const drafts: (ScanDraft | null)[] = sources.map(() => null);
  sources.forEach((source, i) => capture(i, () => (drafts[i] = draftScan(source, prefixOf(i), now))));
  const valid = drafts.filter((d): d is ScanDraft => d !== null);

  const bookings = await findShipmentsByTrackingNumbers(db, [...new Set(valid.map((d) => d.trackingNumber))]);
  const officeIds = [...new Set(valid.map((d) => d.officeId).filter((id): id is number => id !== null))];
  const offices = new Map(
    officeIds.length === 0
      ? []
      : (
          await findOfficeTypes(db, officeIds)
        ).map((o) => [Number(o.id), o]),
  );

  const shipmentOf: (ShipmentRow | null)[] = sources.map(() => null);
  drafts.forEach((draft, i) => {
    if (draft === null) return;
    capture(i, () => {
      const day = istDateOf(draft.occurredAt);
      const candidates = bookings.filter((b) => b.trackingNumber === draft.trackingNumber);
      const shipment =
        draft.bookingDate !== null ? candidates.find((b) => b.bookingDate === draft.bookingDate) : candidates.find((b) => b.bookingDate <= day);
      if (shipment === undefined) {
        throw fieldError(
          `${prefixOf(i)}.trackingNumber`,
          draft.trackingNumber,
          draft.bookingDate !== null
            ? `matches no shipment booked on ${draft.bookingDate}.`
            : `matches no shipment booked on or before the scan's day ${day} (IST).`,
        );
      }
      if (istDateOf(draft.occurredAt) < shipment.bookingDate) {
        throw fieldError(`${prefixOf(i)}.occurredAt`, draft.occurredAt.toISOString(), `is before the booking day ${shipment.bookingDate} of ${shipment.trackingNumber}.`);
      }
      if (draft.officeId !== null && !offices.has(draft.officeId)) {
        throw fieldError(`${prefixOf(i)}.officeId`, draft.officeId, "names no post office.");
      }
      shipmentOf[i] = shipment;
    });
  });

  const touchedIds = [...new Set(shipmentOf.filter((s): s is ShipmentRow => s !== null).map((s) => s.id))];
  const storedEvents = await findEventsByShipmentIds(db, touchedIds);
  const byKey = new Map(storedEvents.map((ev) => [eventKey(ev.shipmentId, ev.occurredAt, ev.eventType), ev]));
  const creates: (typeof scanEventTable.$inferInsert)[] = [];
  const updates: { id: number; officeId: number | null; officeName: string | null; rawText: string | null }[] = [];
  const inBatch = new Map<string, typeof scanEventTable.$inferInsert>();
  drafts.forEach((draft, i) => {
    const shipment = shipmentOf[i];
    if (draft === null || shipment === null || shipment === undefined) return;
    capture(i, () => {
      const key = eventKey(shipment.id, draft.occurredAt, draft.type);
      const row = {
        shipmentId: shipment.id,
        bookingDate: shipment.bookingDate,
        occurredAt: draft.occurredAt,
        eventType: draft.type,
        failedReason: draft.failedReason,
        officeId: draft.officeId,
        officeName: draft.officeName,
        rawText: draft.rawText,
      };
      const stored = byKey.get(key) ?? inBatch.get(key);
      if (stored === undefined) {
        inBatch.set(key, row);
        creates.push(row);
        return;
      }
      if (stored.failedReason !== row.failedReason && !(draft.rawText === null && row.failedReason === "OTHER")) {
        throw new ConflictError(
          `${prefixOf(i)}.failedReason: the ${draft.type} scan of ${shipment.trackingNumber} at ${draft.occurredAt.toISOString()} is stored with reason ${stored.failedReason}, not ${row.failedReason}.`,
          { field: `${prefixOf(i)}.failedReason`, value: row.failedReason, stored: stored.failedReason },
        );
      }
      for (const field of ["officeId", "officeName"] as const) {
        const given = row[field];
        const have = stored[field] ?? null;
        if (given !== null && have !== null && given !== have) {
          throw new ConflictError(
            `${prefixOf(i)}.${field}: the ${draft.type} scan of ${shipment.trackingNumber} at ${draft.occurredAt.toISOString()} is stored with ${field} ${JSON.stringify(have)}, not ${JSON.stringify(given)}.`,
            { field: `${prefixOf(i)}.${field}`, value: given, stored: have },
          );
        }
      }
      const fills = (row.officeId !== null && stored.officeId == null) || (row.officeName !== null && stored.officeName == null) || (row.rawText !== null && stored.rawText == null);
      if (fills && "id" in stored && typeof stored.id === "number") {
        updates.push({ id: stored.id, officeId: stored.officeId ?? row.officeId, officeName: stored.officeName ?? row.officeName, rawText: stored.rawText ?? row.rawText });
      }
    });
  });
  if (!options.skipInvalid) throwIfAny();

  const inserted = creates.length === 0 ? [] : await insertScanEvents(db, creates);
  if (updates.length > 0) await fillScanEvents(db, updates);
  const shipments = creates.length === 0 && updates.length === 0 ? await findShipmentsByIds(db, touchedIds) : await rederiveShipments(db, touchedIds, offices);
  const insertedByKey = new Map(inserted.map((ev) => [eventKey(ev.shipmentId, ev.occurredAt, ev.eventType), ev]));
  const rejected = new Set(problems.map((p) => p.index));
  const events = drafts.flatMap((draft, i) => {
    if (rejected.has(i) || draft === null) return [];
    const key = eventKey(shipmentOf[i]!.id, draft.occurredAt, draft.type);
    return [(insertedByKey.get(key) ?? byKey.get(key))!];
  });
  return {
    created: creates.length,
    updated: updates.length,
    unchanged: events.length - creates.length - updates.length,
    events,
    shipments,
    problems: [...problems].sort((a, b) => a.index - b.index),
  };
}

/**
 * Re-derives the status columns of the given shipments from their whole timelines and writes those that
 * changed, in one UPDATE. Also learns the delivering office from the DELIVERED scan when the booking did
 * not name one, and re-dates the promise when that office is a branch office (+1 day).
 */
export async function rederiveShipments(db: Db, ids: readonly number[], knownOffices?: ReadonlyMap<number, { office_type: string | null }>): Promise<ShipmentRow[]> {
  if (ids.length === 0) return [];
  const [shipments, events] = await Promise.all([findShipmentsByIds(db, ids), findEventsByShipmentIds(db, ids)]);
  const eventsOf = new Map<number, ScanEventRow[]>();
  for (const ev of events) {
    const list = eventsOf.get(ev.shipmentId);
    if (list === undefined) eventsOf.set(ev.shipmentId, [ev]);
    else list.push(ev);
  }
  const deliveryOfficeIds = [
    ...new Set(
      events.filter((ev) => ev.eventType === "DELIVERED" && ev.officeId !== null).map((ev) => ev.officeId as number),
    ),
  ].filter((id) => knownOffices?.has(id) !== true);
  const officeTypes = new Map<number, string | null>(
    [...(knownOffices ?? new Map())].map(([id, o]) => [id, (o as { office_type: string | null }).office_type]),
  );
  if (deliveryOfficeIds.length > 0) {
    const rows = await findOfficeTypes(db, deliveryOfficeIds);
    for (const row of rows) officeTypes.set(Number(row.id), row.office_type);
  }
  // Due dates move only when the delivering office is learnt (a branch office adds a day): read the
  // holiday list only then.
  const learnsOffice = shipments.some((s) => s.deliveryOfficeId === null && eventsOf.get(s.id)?.some((ev) => ev.eventType === "DELIVERED" && ev.officeId !== null));
  const holidays = learnsOffice ? await findPublicHolidays(db) : undefined;
  const changed: Record<string, unknown>[] = [];
  const newlyDelivered: { pincode: string; deliveredAt: Date }[] = [];
  const result: ShipmentRow[] = [];
  for (const shipment of shipments) {
    const timeline = eventsOf.get(shipment.id) ?? [];
    const derived = deriveShipmentState(timeline.map((ev) => ({ type: ev.eventType, reason: ev.failedReason, occurredAt: ev.occurredAt })));
    const next = mergeDerivedState(stateOf(shipment), derived);
    const deliveredScan = timeline.find((ev) => ev.eventType === "DELIVERED" && ev.officeId !== null);
    const deliveryOfficeId = shipment.deliveryOfficeId ?? (next.status === "DELIVERED" ? (deliveredScan?.officeId ?? null) : null);
    const branch = deliveryOfficeId !== null && officeTypes.get(deliveryOfficeId) === "BRANCH";
    const promisedDate =
      deliveryOfficeId !== shipment.deliveryOfficeId ? promisedDateOf(shipment.bookingDate, shipment.serviceNormDays, branch, holidays) : shipment.promisedDate;
    const updated: ShipmentRow = {
      ...shipment,
      status: next.status,
      deliveredAt: next.deliveredAt,
      attempts: next.attempts,
      failedReasons: distinctReasons(next.failedReasons),
      outForDeliveryCount: next.outForDeliveryCount,
      firstAttemptAt: next.firstAttemptAt,
      returnedAt: next.returnedAt,
      rtoDeliveredAt: next.rtoDeliveredAt,
      lastEventAt: next.lastEventAt,
      deliveryOfficeId,
      promisedDate,
    };
    const keys = ["status", "deliveredAt", "attempts", "failedReasons", "outForDeliveryCount", "firstAttemptAt", "returnedAt", "rtoDeliveredAt", "lastEventAt", "deliveryOfficeId", "promisedDate"] as const;
    const differs = keys.some((k) => {
      const a = shipment[k];
      const b = updated[k];
      if (Array.isArray(a) && Array.isArray(b)) return a.join(",") !== b.join(",");
      return a instanceof Date || b instanceof Date ? (a as Date | null)?.getTime() !== (b as Date | null)?.getTime() : a !== b;
    });
    if (shipment.status !== "DELIVERED" && updated.status === "DELIVERED" && updated.deliveredAt !== null) {
      newlyDelivered.push({ pincode: updated.destinationPincode, deliveredAt: updated.deliveredAt });
    }
    if (differs) {
      changed.push({
        id: updated.id,
        status: updated.status,
        delivered_at: updated.deliveredAt?.toISOString() ?? null,
        attempts: updated.attempts,
        failed_reasons: updated.failedReasons,
        out_for_delivery_count: updated.outForDeliveryCount,
        first_attempt_at: updated.firstAttemptAt?.toISOString() ?? null,
        returned_at: updated.returnedAt?.toISOString() ?? null,
        rto_delivered_at: updated.rtoDeliveredAt?.toISOString() ?? null,
        last_event_at: updated.lastEventAt?.toISOString() ?? null,
        delivery_office_id: updated.deliveryOfficeId,
        promised_date: updated.promisedDate,
      });
    }
    result.push(updated);
  }
  if (changed.length > 0) {
    await withKpiDelta(db, changed.map((c) => c.id as number), () => updateDerivedShipments(db, changed));
  }
  // DELIVERED is final, so a delivery is counted once and never taken back out of the rollup.
  await addDeliveriesToRollup(db, newlyDelivered);
  return result;
}

