import { refreshPinDeliveryRollup, seedServiceabilityFromShipments } from "../coverage/coverage.repository.js";
import { rebuildKpiRollups } from "../kpi/kpi-rollup.repository.js";
import { seedDemoReviews } from "../review/review.seed.js";
import {
  analyzeDemoTables,
  countDemoRows,
  deleteSyntheticRows,
  findDeliverablePincodes,
  findDeliveringOfficesByPincode,
  findHeadOfficesAt,
  finishRemittances,
  hasShipments,
  insertSyntheticRemittanceCycle,
  maxId,
  prepareBulkLoad,
  setForeignKeyTriggers,
  setSequence,
  verifyForeignKeys,
} from "./demo.repository.js";
import { getTableColumns, type Table } from "drizzle-orm";
import { type Database, type Db, type Session } from "../../db/client.js";
import { canDeferKeyChecks } from "../../db/key-checks.js";
import { withIndexesDeferred } from "../../db/bulk-indexes.repository.js";
import { toCsv } from "../../lib/csv-text.js";
import { formatFiscalQuarter } from "../../lib/fiscal-quarter.js";
import type { Progress } from "../../lib/progress.js";
import { insertPickupLocation } from "../pickup-location/pickup-location.repository.js";
import { findProducts } from "../product/product.repository.js";
import { findServiceNormRows } from "../service-norm/service-norm.repository.js";
import { USABLE_COORDINATE_QUALITIES } from "../pincode/pincode.sql.js";
import { isDirectoryLoaded } from "../post-office/post-office.directory.js";
import { normaliseOfficeName } from "../post-office/post-office.normalise.js";
import type { ShipmentStatus } from "../shipment/scan-event.rules.js";
import { ensureBookingPartitions } from "../shipment/shipment-partition.repository.js";
import { scanEventTable, shipmentTable } from "../shipment/shipment.sql.js";
import {
  DEMO_START_DATE,
  type DemoDirectory,
  type DemoOffice,
  type DemoOptions,
  type DemoPickupOffice,
  type DemoPincode,
  type DemoScan,
  type DemoShipment,
  DemoTally,
  generateShipments,
  GROWTH_BASE_QUARTER,
  GROWTH_TARGET_QUARTER,
  isoDay,
  PICKUP_SITES,
  planDemo,
} from "./demo.generator.js";

/*
 * Writes the synthetic demo data (demo.generator.ts) into the database: reads the real directory,
 * then streams the generated shipments through COPY in chunks, all in one transaction, so a failed
 * run leaves nothing behind and a run of 10M shipments never holds more than one chunk in memory.
 */

/** The seed `npm start` and `dakgraph seed demo` use unless told otherwise: the MoU's date. */
export const DEFAULT_DEMO_SEED = 20241004;

/** The synthetic contract cycle the demo records for COD remittances, from the first demo booking day. */
const DEMO_REMITTANCE_CYCLE_DAYS = 10;
const DEMO_START_DAY = "2021-04-01";

/** Shipments per COPY: big enough to amortise a statement, small enough for PGlite's memory. */
const CHUNK_SHIPMENTS = 20_000;

/*
 * COD remittance rows must exist before the shipments that reference them (the foreign key is not
 * deferrable), but their totals are known only after the last shipment. So every batch the plan
 * allows is first written with this placeholder amount, then updated with its real sum; batches no
 * delivery fell into keep it and are deleted. No real batch can total 1 paisa: COD is whole rupees.
 */
const PLACEHOLDER_PAISE = 1;

export interface DemoSeedOptions extends DemoOptions {
  /** Delete the synthetic rows already there first; without it a database holding shipments is refused. */
  readonly replace: boolean;
}

export interface DemoSeedReport {
  readonly options: DemoSeedOptions;
  readonly lastBookingDate: string;
  readonly locations: number;
  readonly shipments: number;
  readonly events: number;
  readonly remittances: number;
  readonly distinctPins: number;
  readonly armyShipments: number;
  readonly byStatus: ReadonlyMap<ShipmentStatus, number>;
  readonly deliveredBase: number;
  readonly deliveredTarget: number;
  readonly growth: number | null;
  readonly seconds: number;
}

export class DemoSeedRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DemoSeedRefusedError";
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the directory.

async function readPickupOffices(db: Db): Promise<DemoPickupOffice[]> {
  const pins = PICKUP_SITES.map((s) => s.pincode);
  const rows = await findHeadOfficesAt(db, pins);
  const missing: string[] = [];
  const offices = PICKUP_SITES.map((site) => {
    const keys = site.officeNames.map(normaliseOfficeName);
    const row = rows.find((r) => r.pincode === site.pincode && keys.includes(r.name_key));
    if (row === undefined) {
      missing.push(`${site.city}: a head office named ${site.officeNames.map((n) => `"${n}"`).join(" or ")} at PIN ${site.pincode}`);
      return null;
    }
    return { id: row.id, name: row.name, officeType: row.office_type, pincode: row.pincode, state: row.state, circleId: row.circle_id };
  });
  if (missing.length > 0) {
    throw new Error(
      `The post-office directory lacks ${missing.length} of the offices the demo pickup locations sit at: ${missing.join("; ")}. ` +
        "Load the directory first (`dakgraph load directory`), or import a CSV that has them.",
    );
  }
  return offices.filter((o) => o !== null);
}

/**
 * Deliverable PINs and their delivering offices. Delivery status is unknown (null) after a load from
 * the npm packages; an unknown office is taken as delivering, as most Indian post offices are.
 */
async function readDeliverablePincodes(db: Db): Promise<DemoPincode[]> {
  const [pins, offices] = await Promise.all([findDeliverablePincodes(db), findDeliveringOfficesByPincode(db)]);
  const byPin = new Map<string, DemoOffice[]>();
  for (const [pincode, list] of offices) byPin.set(pincode, list.map((o) => ({ id: o.id, name: o.name, officeType: o.office_type })));
  return pins
    .filter((p) => byPin.has(p.code))
    .map((p) => ({
      code: p.code,
      latitude: p.latitude === null ? null : Number(p.latitude),
      longitude: p.longitude === null ? null : Number(p.longitude),
      usableCoordinates: USABLE_COORDINATE_QUALITIES.includes(p.coordinate_quality) && p.latitude !== null && p.longitude !== null,
      circleId: p.primary_circle_id,
      remote: p.remote,
      offices: byPin.get(p.code)!,
    }));
}

export async function readDemoDirectory(db: Db): Promise<DemoDirectory> {
  const [pickupOffices, pincodes, products, serviceNorms] = await Promise.all([
    readPickupOffices(db),
    readDeliverablePincodes(db),
    findProducts(db, null),
    findServiceNormRows(db),
  ]);
  return { pickupOffices, pincodes, products, serviceNorms };
}

// ---------------------------------------------------------------------------------------------
// Writing.

/*
 * COPY column lists come from the drizzle tables, so a column added to a table cannot be silently
 * missed here; created_at/updated_at keep their defaults.
 */
function copyColumns<T extends Table>(table: T, omit: readonly (keyof T["_"]["columns"])[]): { keys: string[]; names: string[] } {
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => !omit.includes(key));
  return { keys: columns.map(([key]) => key), names: columns.map(([, column]) => column.name) };
}

const SHIPMENT_COPY = copyColumns(shipmentTable, ["createdAt", "updatedAt"]);
const EVENT_COPY = copyColumns(scanEventTable, ["createdAt"]);

type CopyValues<T extends Table> = Record<keyof Omit<T["$inferInsert"], "createdAt" | "updatedAt">, unknown>;

function copyRow(keys: readonly string[], values: Record<string, unknown>): unknown[] {
  return keys.map((key) => values[key]);
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function shipmentValues(s: DemoShipment, id: number, locationIds: readonly number[], firstRemittanceId: number): CopyValues<typeof shipmentTable> {
  return {
    id,
    trackingNumber: s.trackingNumber,
    bookingDate: s.bookingDate,
    bookedAt: s.bookedAt.toISOString(),
    productCode: s.productCode,
    paymentMode: s.paymentMode,
    codAmountPaise: s.codAmountPaise,
    weightGrams: s.weightGrams,
    declaredValuePaise: s.declaredValuePaise,
    pickupLocationId: locationIds[s.locationIndex],
    destinationKind: s.destinationKind,
    destinationPincode: s.destinationPincode,
    armyPostOffice: s.armyPostOffice,
    deliveryOfficeId: s.deliveryOfficeId,
    routeClass: s.routeClass,
    serviceNormDays: s.serviceNormDays,
    promisedDate: s.promisedDate,
    status: s.status,
    deliveredAt: iso(s.deliveredAt),
    attempts: s.attempts,
    failedReasons: `{${s.failedReasons.join(",")}}`,
    outForDeliveryCount: s.outForDeliveryCount,
    firstAttemptAt: iso(s.firstAttemptAt),
    returnedAt: iso(s.returnedAt),
    rtoDeliveredAt: iso(s.rtoDeliveredAt),
    lastEventAt: iso(s.lastEventAt),
    codRemittanceId: s.remittanceIndex === null ? null : firstRemittanceId + s.remittanceIndex,
    synthetic: true,
  };
}

function eventValues(e: DemoScan, id: number, shipmentId: number, bookingDate: string): CopyValues<typeof scanEventTable> {
  return {
    id,
    shipmentId,
    bookingDate,
    occurredAt: e.occurredAt.toISOString(),
    eventType: e.type,
    failedReason: e.reason,
    officeId: e.officeId,
    officeName: e.officeName,
    rawText: e.rawText,
  };
}








/**
 * Generates and writes the demo data. Refuses (DemoSeedRefusedError) when the database already holds
 * shipments or synthetic rows, unless `replace`; then the synthetic rows go first (events →
 * shipments → remittances → synthetic pickup locations) and real rows stay.
 */
export async function seedDemo(database: Database, options: DemoSeedOptions, progress: Progress): Promise<DemoSeedReport> {
  const started = performance.now();
  const existing = await countDemoRows(database.db);
  if ((existing.shipments > 0 || existing.synthetic > 0) && !options.replace) {
    throw new DemoSeedRefusedError(
      `The database already holds ${existing.shipments.toLocaleString("en-IN")} shipments ` +
        `(${existing.synthetic.toLocaleString("en-IN")} synthetic rows in all): nothing generated. ` +
        "Run `dakgraph seed demo --replace` to delete the synthetic rows and generate them again.",
    );
  }
  const directory = await readDemoDirectory(database.db);
  const plan = planDemo(directory, options);
  const tally = new DemoTally();
  let remittances = 0;

  await database.transaction(async (session: Session) => {
    const db = session.db;
    await prepareBulkLoad(db);
    const deferKeyChecks = await canDeferKeyChecks(db, ["shipment", "scan_event", "cod_remittance"]);
    if (options.replace) await deleteSyntheticRows(db);

    const locationIds: number[] = [];
    for (const loc of plan.locations) {
      const row = await insertPickupLocation(db, { ...loc, activeTo: null }, true);
      locationIds.push(row.id);
    }
    const firstShipmentId = (await maxId(db, "shipment")) + 1;
    const firstEventId = (await maxId(db, "scan_event")) + 1;
    let nextEventId = firstEventId;
    const firstRemittanceId = (await maxId(db, "cod_remittance")) + 1;

    await session.copyCsv(
      "cod_remittance",
      ["id", "reference", "remitted_on", "amount_paise", "shipment_count", "synthetic"],
      toCsv(plan.remittances.map((r, i) => [firstRemittanceId + i, r.reference, r.remittedOn, PLACEHOLDER_PAISE, 1, true])),
    );

    if (deferKeyChecks) await setForeignKeyTriggers(db, false);
    const totals = new Map<number, { amount: number; count: number }>();
    progress.phase("Demo shipments", options.shipments);
    let shipmentRows: unknown[][] = [];
    let eventRows: unknown[][] = [];
    const chunkDays = new Set<string>();
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async () => {
      const shipmentCsv = toCsv(shipmentRows);
      const eventCsv = toCsv(eventRows);
      const done = shipmentRows.length;
      const days = [...chunkDays];
      shipmentRows = [];
      eventRows = [];
      chunkDays.clear();
      // The next chunk is generated while the server loads this one; events wait for their shipments, and both for
      // their quarters' partitions.
      await inFlight;
      inFlight = ensureBookingPartitions(db, days)
        .then(() => session.copyCsv("shipment", SHIPMENT_COPY.names, shipmentCsv))
        .then(() => session.copyCsv("scan_event", EVENT_COPY.names, eventCsv))
        .then(() => progress.increment(done));
      inFlight.catch(() => {});
    };

    let id = firstShipmentId;
    // Into empty tables (a first start, or a --replace that truncated them) the secondary indexes are built
    // once after the last chunk rather than row by row (src/db/bulk-indexes.repository.ts).
    await withIndexesDeferred(db, ["shipment", "scan_event"], async () => {
      for (const s of generateShipments(plan)) {
        tally.add(s);
        shipmentRows.push(copyRow(SHIPMENT_COPY.keys, shipmentValues(s, id, locationIds, firstRemittanceId)));
        chunkDays.add(s.bookingDate);
        for (const e of s.events) {
          eventRows.push(copyRow(EVENT_COPY.keys, eventValues(e, nextEventId, id, s.bookingDate)));
          nextEventId += 1;
        }
        if (s.remittanceIndex !== null) {
          const t = totals.get(s.remittanceIndex) ?? { amount: 0, count: 0 };
          t.amount += s.codAmountPaise!;
          t.count += 1;
          totals.set(s.remittanceIndex, t);
        }
        id += 1;
        if (shipmentRows.length >= CHUNK_SHIPMENTS) await flush();
      }
      if (shipmentRows.length > 0) await flush();
      await inFlight;
    });
    progress.stop();

    await finishRemittances(db, firstRemittanceId, PLACEHOLDER_PAISE, totals);
    if (deferKeyChecks) {
      await setForeignKeyTriggers(db, true);
      await verifyForeignKeys(db, firstShipmentId, firstEventId);
    }
    remittances = totals.size;
    await setSequence(db, "shipment", id - 1);
    await setSequence(db, "scan_event", nextEventId - 1);
    await setSequence(db, "cod_remittance", firstRemittanceId + plan.remittances.length - 1);
    // Coverage reads serviceability and the per-PIN delivery rollup: make both agree with what was generated.
    await seedServiceabilityFromShipments(db);
    // A remittance cycle for the REMITTANCE_WITHIN_CYCLE KPI: invented, as the batches are (the generator
    // remits 5–14 days after delivery), and never written over a cycle someone recorded for real.
    await insertSyntheticRemittanceCycle(db, DEMO_START_DAY, DEMO_REMITTANCE_CYCLE_DAYS);
    await refreshPinDeliveryRollup(db);
    await rebuildKpiRollups(db);
    await seedDemoReviews(db, options.until);
    await analyzeDemoTables(db);
  });

  return {
    options,
    lastBookingDate: isoDay(plan.lastBookingDay),
    locations: plan.locations.length,
    shipments: tally.shipments,
    events: tally.events,
    remittances,
    distinctPins: tally.pins.size,
    armyShipments: tally.army,
    byStatus: tally.byStatus,
    deliveredBase: tally.deliveredBase,
    deliveredTarget: tally.deliveredTarget,
    growth: tally.growth,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The demo data when the database has a directory and no shipment yet (first `npm start`); null otherwise. */
export async function seedDemoIfEmpty(database: Database, shipments: number, until: string, progress: Progress): Promise<DemoSeedReport | null> {
  if (!(await isDirectoryLoaded(database)) || (await hasShipments(database.db))) return null;
  return seedDemo(database, { shipments, seed: DEFAULT_DEMO_SEED, until, replace: false }, progress);
}

const n = (value: number) => value.toLocaleString("en-IN");

/** The summary printed after a run; its last line marks the data as synthetic. */
export function describeDemoSeed(report: DemoSeedReport): string {
  const rate = report.seconds > 0 ? Math.round((report.shipments + report.events) / report.seconds) : 0;
  const statuses = [...report.byStatus]
    .sort(([, a], [, b]) => b - a)
    .map(([status, count]) => `${status} ${n(count)}`)
    .join(", ");
  return [
    `Demo data: ${n(report.shipments)} shipments booked ${DEMO_START_DATE}..${report.lastBookingDate}, ${n(report.events)} scan events, ` +
      `${n(report.locations)} pickup locations, ${n(report.remittances)} COD remittances (as of ${report.options.until}).`,
    `Destinations: ${n(report.distinctPins)} distinct PINs plus ${n(report.armyShipments)} Army Postal shipments.`,
    `Status: ${statuses}.`,
    `Delivered in ${formatFiscalQuarter(GROWTH_BASE_QUARTER)}: ${n(report.deliveredBase)}; in ${formatFiscalQuarter(GROWTH_TARGET_QUARTER)}: ` +
      `${n(report.deliveredTarget)}; ratio ${report.growth === null ? "n/a" : `${report.growth.toFixed(2)}×`}.`,
    `Took ${report.seconds.toFixed(1)} s (${n(rate)} rows/s, shipments and events).`,
    `SYNTHETIC DATA: generated by dakgraph seed demo (seed ${report.options.seed})`,
  ].join("\n");
}
