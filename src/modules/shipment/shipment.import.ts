import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { parse } from "csv-parse";
import { type Database, type Db, type Session } from "../../db/client.js";
import { canDeferKeyChecks, withKeyChecksDeferred } from "../../db/key-checks.js";
import { isUniqueViolation, trySavepoint } from "../../db/savepoint.js";
import { mergeRanges } from "../../lib/id-ranges.js";
import { READS_ALL_STORED } from "../access/access.roles.js";
import { addKpiContribution, type IdRange } from "../kpi/kpi-rollup.repository.js";
import { ensureBookingPartitions } from "./shipment-partition.repository.js";
import { distinctBookingDays } from "./shipment-partition.rules.js";
import { toCsv } from "../../lib/csv-text.js";
import { findDakgraphError } from "../../lib/errors.js";
import { type Progress, progressBar } from "../../lib/progress.js";
import { parseDateTime } from "../../lib/scalars.js";
import { recordScanEventBatch, type ScanEventSource } from "./scan-event.ingest.js";
import type { ShipmentSource } from "./shipment.draft.js";
import { planShipmentBatch, type ShipmentBatchPlan, type ShipmentPlan } from "./shipment.plan.js";
import { cachedReferenceLoader } from "./shipment.references.js";
import {
  BOOKING_COLUMN_NAMES,
  bookingValues,
  COPIED_BOOKING_COLUMNS,
  copiedBookingRows,
  createShipmentStage,
  idsOfRanges,
  insertStagedShipments,
  lockBookingReferences,
  reserveShipmentIds,
  updateShipmentFacts,
} from "./shipment.repository.js";
import type { ShipmentInsert } from "./shipment.sql.js";

/*
 * `dakgraph import shipments --file FILE`: shipments and/or scan events from CSV or NDJSON.
 *
 * - A record with an `event` value is a scan (ScanEventInput's fields); any other is a shipment
 *   (ShipmentInput's fields). Field names match case-insensitively, in camelCase or snake_case.
 * - Validation and idempotency are the mutations' own (planShipmentBatch, recordScanEventBatch): a
 *   record already stored is unchanged, a conflicting one is a reject. Unlike a mutation, a bad record
 *   does not stop the import: it is reported with its line number and reason, the rest load.
 * - The whole file is one transaction: a file that is not readable CSV/NDJSON part-way through writes
 *   nothing. New shipments are COPYed straight into shipment (writeChunk says when they instead go through
 *   a temporary staging table and INSERT … ON CONFLICT DO NOTHING), which is as fast as the table takes rows:
 *   issue 22 asks for 0.8× of psql's \copy alone, and the staging table's INSERT, the check of every chunk
 *   against stored rows and the rollups' upserts per chunk held it to 0.25–0.46×. The KPI contribution of the
 *   COPYed rows is added by id range (addPendingKpis).
 * - Chunks are pipelined: while PostgreSQL writes one chunk, the next is parsed and checked field by
 *   field; a checked chunk is checked against stored shipments only once the previous chunk has landed.
 *   Reference data (pickup locations, products, norms, PINs, offices) is read once per import (cachedReferenceLoader).
 * - The writes run without per-row foreign-key triggers where src/db/key-checks.ts allows it; the
 *   references are then checked and locked per chunk, set-wise (lockBookingReferences).
 */

export class ShipmentImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShipmentImportError";
  }
}

export interface ShipmentImportReject {
  readonly line: number;
  readonly reason: string;
}

export interface ShipmentImportReport {
  readonly file: string;
  readonly format: "csv" | "ndjson";
  readonly records: number;
  readonly shipments: { created: number; updated: number; unchanged: number };
  readonly events: { created: number; updated: number; unchanged: number };
  /** The first 1,000 rejects, by line. */
  readonly rejects: readonly ShipmentImportReject[];
  /** All rejects, listed or not. */
  readonly rejected: number;
  readonly seconds: number;
}

/** Shipments validated and merged per chunk: large enough to amortise statements, small enough for memory. */
const SHIPMENT_CHUNK = 10_000;
/** Scans per chunk: the mutation's batch size, whose statements are sized for it. */
const EVENT_CHUNK = 1_000;
/** Reject lines kept in the report; past this only the count grows. */
const MAX_REJECTS_LISTED = 1_000;


/** Field names as people write them in headers and JSON keys: lower case, letters and digits only. */
const FIELD_NAMES: Record<string, string> = Object.fromEntries(
  [
    "trackingNumber",
    "bookingDate",
    "bookedAt",
    "productCode",
    "paymentMode",
    "codAmount",
    "weightGrams",
    "declaredValue",
    "pickupLocationCode",
    "destinationPincode",
    "armyPostOffice",
    "deliveryOfficeId",
    "occurredAt",
    "event",
    "failedReason",
    "officeId",
    "officeName",
  ].map((name) => [name.toLowerCase(), name]),
);

const fieldKey = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, "");

type Fields = Record<string, unknown>;

function blank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
}

/** A number from a JSON number or CSV text; text that is no number stays text so validation names it. */
function numeric(value: unknown): unknown {
  if (blank(value)) return null;
  if (typeof value === "number") return value;
  const text = String(value).trim();
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

function instant(value: unknown, field: string): Date {
  return parseDateTime(value, field);
}

function optionalText(value: unknown): string | null {
  return blank(value) ? null : String(value).trim();
}

function toShipment(f: Fields, line: number): ShipmentSource {
  const officeId = numeric(f.deliveryOfficeId);
  return {
    trackingNumber: f.trackingNumber,
    bookedAt: instant(f.bookedAt, `line ${line}: bookedAt`),
    productCode: f.productCode,
    paymentMode: optionalText(f.paymentMode)?.toUpperCase(),
    codAmount: numeric(f.codAmount),
    weightGrams: numeric(f.weightGrams),
    declaredValue: numeric(f.declaredValue),
    pickupLocationCode: f.pickupLocationCode,
    destinationPincode: optionalText(f.destinationPincode),
    armyPostOffice: optionalText(f.armyPostOffice)?.toUpperCase() ?? null,
    deliveryOfficeId: typeof officeId === "number" && Number.isSafeInteger(officeId) ? officeId : officeId === null ? null : Number.NaN,
  };
}

function toScan(f: Fields, line: number): ScanEventSource {
  const officeId = numeric(f.officeId);
  return {
    trackingNumber: f.trackingNumber,
    bookingDate: optionalText(f.bookingDate),
    occurredAt: instant(f.occurredAt, `line ${line}: occurredAt`),
    event: f.event,
    failedReason: optionalText(f.failedReason)?.toUpperCase() ?? null,
    officeId: typeof officeId === "number" ? officeId : null,
    officeName: optionalText(f.officeName),
  };
}

interface LineRecord {
  readonly line: number;
  readonly fields: Fields;
  /** Bytes of the file read so far, for the progress bar. */
  readonly bytes: number;
}

function normaliseKeys(object: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(object)) {
    const name = FIELD_NAMES[fieldKey(key)];
    if (name !== undefined) out[name] = value;
  }
  return out;
}

async function* csvRecords(filePath: string): AsyncGenerator<LineRecord> {
  const parser = fs.createReadStream(filePath).pipe(parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: true }));
  // Each column's field name, or undefined for a column no field takes: worked out once, from the header.
  let columns: (string | undefined)[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; bytes: number } }>) {
      if (columns === null) {
        columns = record.map((h) => FIELD_NAMES[fieldKey(h)]);
        if (!columns.includes("trackingNumber")) {
          throw new ShipmentImportError(`${path.basename(filePath)}: the header has no tracking_number column: ${record.join(",")}`);
        }
        continue;
      }
      const fields: Fields = {};
      for (let i = 0; i < columns.length; i += 1) {
        const name = columns[i];
        if (name !== undefined) fields[name] = record[i];
      }
      yield { line: info.lines, fields, bytes: info.bytes };
    }
  } catch (error) {
    if (error instanceof ShipmentImportError) throw error;
    throw new ShipmentImportError(`${path.basename(filePath)} is not readable CSV: ${(error as Error).message}`);
  }
}

async function* ndjsonRecords(filePath: string): AsyncGenerator<LineRecord> {
  const lines = readline.createInterface({ input: fs.createReadStream(filePath), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  let bytes = 0;
  for await (const text of lines) {
    line += 1;
    bytes += Buffer.byteLength(text) + 1;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ShipmentImportError(`${path.basename(filePath)} line ${line} is not JSON: ${(error as Error).message}`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new ShipmentImportError(`${path.basename(filePath)} line ${line} is not a JSON object.`);
    }
    yield { line, fields: normaliseKeys(value as Record<string, unknown>), bytes };
  }
}

function formatOf(filePath: string): "csv" | "ndjson" {
  const ext = path.extname(filePath).toLowerCase();
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  if (ext === ".csv") return "csv";
  // Only the first bytes decide: a shipments file can be gigabytes.
  const buffer = Buffer.alloc(64);
  const fd = fs.openSync(filePath, "r");
  let read: number;
  try {
    read = fs.readSync(fd, buffer, 0, buffer.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const head = buffer.subarray(0, read).toString("utf8").replace(/^\uFEFF/, "").trimStart();
  return head.startsWith("{") ? "ndjson" : "csv";
}

function reasonOf(error: unknown): string {
  const ours = findDakgraphError(error);
  return ours === undefined ? String((error as Error).message ?? error) : `${ours.message} [${String(ours.extensions.code)}]`;
}

/** Imports a CSV or NDJSON file of shipments and/or scans; see the notes at the top of this file. */
export async function importShipmentsFile(database: Database, filePath: string, options: { progress?: Progress; now?: Date } = {}): Promise<ShipmentImportReport> {
  const started = performance.now();
  let size: number;
  try {
    const stat = await fs.promises.stat(filePath);
    if (!stat.isFile()) throw new Error("not a file");
    size = stat.size;
  } catch (error) {
    throw new ShipmentImportError(`Cannot read ${filePath}: ${(error as Error).message}`);
  }
  const format = formatOf(filePath);
  const progress = options.progress ?? progressBar(false);
  const now = options.now ?? new Date();
  progress.phase("shipments file", Math.max(1, Math.round(size / 1024)));

  const rejects: ShipmentImportReject[] = [];
  let rejectCount = 0;
  const reject = (line: number, reason: string) => {
    rejectCount += 1;
    if (rejects.length < MAX_REJECTS_LISTED) rejects.push({ line, reason });
  };
  const shipments = { created: 0, updated: 0, unchanged: 0 };
  const events = { created: 0, updated: 0, unchanged: 0 };
  let records = 0;

  await database.transaction(async (session: Session) => {
    const db = session.db;
    // The booking columns only: no defaults, so staging a row draws no id from shipment's sequence.
    await createShipmentStage(db);
    // The writes also change the KPI rollups: a trigger on any of the three rules deferral out.
    const deferKeys = await canDeferKeyChecks(db, ["shipment", "kpi_rollup", "kpi_histogram"]);
    // One connection serves validation's reads and the writes. A chunk's COPY runs in a savepoint, and a statement
    // landing between its failure and the rollback would fail: reads wait for it (`exclusive`), and the reads of
    // reference data happen only the first time a PIN or office appears, so validation otherwise runs beside it.
    let connectionTail: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
      const run = connectionTail.then(work, work);
      connectionTail = run.catch(() => {});
      return run;
    };
    const references = cachedReferenceLoader({ serialise: exclusive });

    let shipmentBuffer: { line: number; source: ShipmentSource }[] = [];
    let scanBuffer: { line: number; source: ScanEventSource }[] = [];
    // The previous chunk's writes. They run while the next chunk is read and validated; anything that reads
    // the table (the next chunk's stored-shipment check, scans) waits for them first.
    let writing: Promise<void> = Promise.resolve();
    // Whether the next chunk is checked against stored shipments before it is written; see writeChunk.
    let checkStored = false;
    // Id ranges COPYed whose KPI contribution is not counted yet: added in one statement (addPendingKpis) before
    // anything could move it (a scan, a learnt delivering office) and at the end.
    let pending: IdRange[] = [];
    const addPendingKpis = async () => {
      const ranges = mergeRanges(pending);
      pending = [];
      await addKpiContribution(db, { ranges });
    };

    const checkReferences = async (creates: readonly ShipmentInsert[]) => {
      const missing = await lockBookingReferences(db, creates);
      if (missing > 0) {
        throw new ShipmentImportError(
          `${missing} pickup location(s), product(s) or office(s) the file names were deleted while the import ran: nothing was written.`,
        );
      }
    };

    /**
     * New bookings straight into shipment with COPY, as psql's \copy would, with ids drawn from its sequence
     * beforehand so the rows can be read back by id range for the rollups. Returns null, having written nothing,
     * when a booking is stored already (the unique key stops the COPY, and the savepoint undoes it).
     */
    const copyCreates = async (creates: readonly ShipmentInsert[]): Promise<number | null> => {
      const ranges = await reserveShipmentIds(db, creates.length);
      await checkReferences(creates);
      // The chunk's booking quarters' partitions (there is no default partition), before the savepoint: a partition
      // made here stays when the COPY is undone.
      await ensureBookingPartitions(db, distinctBookingDays(creates));
      const csv = toCsv(copiedBookingRows(idsOfRanges(ranges), creates));
      const outcome = await trySavepoint(
        db,
        "shipment_import_chunk",
        () => withKeyChecksDeferred(db, deferKeys, () => session.copyCsv("shipment", COPIED_BOOKING_COLUMNS, csv)),
        isUniqueViolation,
      );
      if (!outcome.done) return null;
      pending.push(...ranges);
      return creates.length;
    };

    /** New bookings through the staging table and INSERT … ON CONFLICT DO NOTHING, counted in the same statement. */
    const insertCreates = async (creates: readonly ShipmentInsert[]): Promise<number> => {
      if (creates.length === 0) return 0;
      await session.copyCsv("shipment_stage", BOOKING_COLUMN_NAMES, toCsv(creates.map(bookingValues)));
      await checkReferences(creates);
      return withKeyChecksDeferred(db, deferKeys, () => insertStagedShipments(db));
    };

    const createsOf = (plan: ShipmentBatchPlan) => plan.plans.filter((p): p is Extract<ShipmentPlan, { kind: "create" }> => p?.kind === "create").map((p) => p.values);

    /**
     * Writes a chunk. Optimistically (the usual file of new bookings) nothing was checked against stored shipments
     * and the chunk is COPYed; if a booking is stored already, the COPY is undone and the chunk planned again with
     * the check, then written through the staging table, whose ON CONFLICT DO NOTHING skips a booking a concurrent
     * writer stores meanwhile (counted unchanged). Chunks after one with stored bookings are checked first (a file
     * sent again would otherwise fail every COPY) until a checked chunk finds none.
     */
    const writeChunk = async (chunk: readonly { line: number; source: ShipmentSource }[], first: ShipmentBatchPlan, checked: boolean) => {
      let plan = first;
      let created: number | null = null;
      if (!checked) {
        const creates = createsOf(plan);
        created = creates.length === 0 ? 0 : await exclusive(() => copyCreates(creates));
        if (created === null) plan = await planChunk(chunk, "check");
      }
      if (created === null) {
        created = await exclusive(() => insertCreates(createsOf(plan)));
        checkStored = plan.stored.size > 0;
      }
      for (const { index, error } of plan.problems) reject(chunk[index]!.line, reasonOf(error));
      const updates = plan.plans.filter((p): p is Extract<ShipmentPlan, { kind: "update" }> => p?.kind === "update");
      shipments.created += created;
      shipments.updated += updates.length;
      // A booking a concurrent writer stored since the check is skipped by the insert: unchanged, not created.
      shipments.unchanged += chunk.length - plan.problems.length - created - updates.length;
      if (updates.length > 0) {
        // A learnt delivering office moves the on-time KPI of shipments this import may have COPYed.
        await addPendingKpis();
        await updateShipmentFacts(db, updates.map((p) => ({ id: p.stored.id, changes: p.changes })));
      }
    };

    const planChunk = (chunk: readonly { line: number; source: ShipmentSource }[], stored: "check" | "assume-none", landed: Promise<unknown> = Promise.resolve()) =>
      planShipmentBatch(db, chunk.map((c) => c.source), (i) => `line ${chunk[i]!.line}`, now, landed, references, READS_ALL_STORED, stored);

    const flushShipments = async () => {
      if (shipmentBuffer.length === 0) return;
      const chunk = shipmentBuffer;
      shipmentBuffer = [];
      const previous = writing;
      const checked = checkStored;
      const plan = await planChunk(chunk, checked ? "check" : "assume-none", previous);
      writing = previous.then(() => writeChunk(chunk, plan, checked));
      // Observed by the next flush or at the end; this only keeps it from counting as unhandled meanwhile.
      writing.catch(() => {});
      // One chunk written while the next is read: the file is never held in memory.
      await previous;
    };

    const flushScans = async () => {
      // Scans may belong to shipments of the same file still in the buffer.
      await flushShipments();
      await writing;
      if (scanBuffer.length === 0) return;
      // A scan moves its shipment's KPI contribution: the contribution must be counted before.
      await addPendingKpis();
      const chunk = scanBuffer;
      scanBuffer = [];
      const outcome = await recordScanEventBatch(db, chunk.map((c) => c.source), (i) => `line ${chunk[i]!.line}`, { now, skipInvalid: true });
      for (const { index, error } of outcome.problems) reject(chunk[index]!.line, reasonOf(error));
      events.created += outcome.created;
      events.updated += outcome.updated;
      events.unchanged += outcome.unchanged;
    };

    try {
      let kib = 0;
      for await (const { line, fields, bytes } of format === "csv" ? csvRecords(filePath) : ndjsonRecords(filePath)) {
        records += 1;
        const read = Math.floor(bytes / 1024);
        if (read > kib) {
          progress.increment(read - kib);
          kib = read;
        }
        try {
          if (!blank(fields.event)) scanBuffer.push({ line, source: toScan(fields, line) });
          else shipmentBuffer.push({ line, source: toShipment(fields, line) });
        } catch (error) {
          reject(line, reasonOf(error));
        }
        if (shipmentBuffer.length >= SHIPMENT_CHUNK) await flushShipments();
        if (scanBuffer.length >= EVENT_CHUNK) await flushScans();
      }
      await flushScans();
      await flushShipments();
    } finally {
      // Never leave the transaction with a write still on its connection (an unreadable file ends the loop early).
      await writing.catch(() => {});
    }
    await writing;
    await addPendingKpis();
  });
  progress.stop();
  return {
    file: path.basename(filePath),
    format,
    records,
    shipments,
    events,
    rejects: rejects.sort((a, b) => a.line - b.line),
    rejected: rejectCount,
    seconds: (performance.now() - started) / 1000,
  };
}

export function describeShipmentImport(report: ShipmentImportReport): string {
  const rate = report.seconds > 0 ? Math.round(report.records / report.seconds) : report.records;
  return (
    `${report.file} (${report.format}): ${report.records} records in ${report.seconds.toFixed(1)} s (${rate}/s). ` +
    `Shipments: ${report.shipments.created} created, ${report.shipments.updated} updated, ${report.shipments.unchanged} unchanged. ` +
    `Scans: ${report.events.created} created, ${report.events.updated} updated, ${report.events.unchanged} unchanged. ` +
    `Rejected: ${report.rejected}${report.rejected > report.rejects.length ? ` (the first ${report.rejects.length} listed)` : ""}.`
  );
}

export function describeShipmentRejects(report: ShipmentImportReport): string[] {
  return report.rejects.map((r) => `  line ${r.line}: ${r.reason}`);
}
