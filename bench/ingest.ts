import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../src/db/client.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { findPickupLocationByCode, insertPickupLocation } from "../src/modules/pickup-location/pickup-location.repository.js";
import { importShipmentsFile } from "../src/modules/shipment/shipment.import.js";
import { deleteIngestRows, INGEST_PICKUP_CODE } from "./dataset.js";
import { percentile } from "./stats.js";

/*
 * The ingest rows of `npm run bench`:
 *   1. the recordShipments mutation with 1,000 new shipments, `repeat` times, over HTTP to the graph
 *      server, then the same 1,000 again (all unchanged);
 *   2. `dakgraph import shipments` (importShipmentsFile, in the bench process) of a generated CSV of
 *      `importRows` rows.
 * Every shipment is booked at a pickup location of its own (INGEST_PICKUP_CODE), and everything
 * written is deleted afterwards, so the next run reads the same demo data.
 */

export interface IngestResult {
  readonly recordShipments1000: { readonly runs: number; readonly p50Ms: number; readonly maxMs: number; readonly retryUnchangedMs: number };
  readonly import: { readonly rows: number; readonly created: number; readonly rejected: number; readonly seconds: number; readonly rowsPerSecond: number };
}

function s10(prefix: string, serial: number): string {
  const digits = String(serial % 100_000_000).padStart(8, "0");
  return `${prefix}${digits}${s10CheckDigit(digits)}IN`;
}

async function ensureIngestPickup(database: Database): Promise<void> {
  if ((await findPickupLocationByCode(database.db, INGEST_PICKUP_CODE)) !== undefined) return;
  const [office] = await queryRows<{ id: number; state: string }>(database.db, sql`select id, state from post_office where pincode = '110001' order by id limit 1`);
  await insertPickupLocation(database.db, {
    code: INGEST_PICKUP_CODE,
    name: "Bench ingest pickup (synthetic)",
    postOfficeId: office!.id,
    city: "New Delhi",
    state: office!.state,
    activeFrom: "2013-01-01",
    activeTo: null,
    dailyCapacity: 1_000_000,
  });
}

const MUTATION = "mutation Record($input: RecordShipmentsInput!) { recordShipments(input: $input) { created updated unchanged } }";

export async function benchIngest(options: {
  database: Database;
  graphUrl: string;
  authorization: string;
  importRows: number;
  repeat: number;
}): Promise<IngestResult> {
  const { database } = options;
  await ensureIngestPickup(database);
  const pins = (await queryRows<{ code: string }>(database.db, sql`select code from pincode where coalesce(delivery_office_count, 1) > 0 order by code`)).map((r) => r.code);
  // "LB": no demo tracking number starts with L, so no generated booking can collide with one.
  let serial = 0;
  const day0 = Date.parse("2024-04-01T04:30:00Z");
  const row = (i: number) => {
    const cod = i % 3 === 0;
    return {
      trackingNumber: s10("LB", serial++),
      bookedAt: new Date(day0 + (i % 240) * 86_400_000 + (i % 600) * 60_000).toISOString(),
      productCode: "BUSINESS_PARCEL",
      paymentMode: cod ? "COD" : "PREPAID",
      codAmount: cod ? 200 + (i % 4000) : null,
      weightGrams: 2000 + (i % 3000),
      pickupLocationCode: INGEST_PICKUP_CODE,
      destinationPincode: pins[(i * 7919) % pins.length]!,
    };
  };

  const record = async (items: ReturnType<typeof row>[]) => {
    const started = performance.now();
    const response = await fetch(options.graphUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: options.authorization },
      body: JSON.stringify({ query: MUTATION, variables: { input: { shipments: items } } }),
    });
    const body = (await response.json()) as { data?: { recordShipments: { created: number; unchanged: number } } | null; errors?: unknown };
    const ms = performance.now() - started;
    if (body.data == null) throw new Error(`recordShipments failed: ${JSON.stringify(body.errors)}`);
    return { ms, counts: body.data.recordShipments };
  };
  const batchMs: number[] = [];
  let lastBatch: ReturnType<typeof row>[] = [];
  for (let r = 0; r < options.repeat; r += 1) {
    lastBatch = Array.from({ length: 1000 }, (_, i) => row(i));
    const { ms, counts } = await record(lastBatch);
    if (counts.created !== 1000) throw new Error(`recordShipments: expected 1,000 created, got ${counts.created}`);
    batchMs.push(ms);
  }
  const retry = await record(lastBatch);
  if (retry.counts.unchanged !== 1000) throw new Error(`recordShipments: expected 1,000 unchanged, got ${retry.counts.unchanged}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-bench-"));
  try {
    const file = path.join(dir, "shipments.csv");
    const out = fs.createWriteStream(file);
    out.write("tracking_number,booked_at,product_code,payment_mode,cod_amount,weight_grams,pickup_location_code,destination_pincode\n");
    for (let i = 0; i < options.importRows; i += 1) {
      const r = row(i);
      const line = `${r.trackingNumber},${r.bookedAt},${r.productCode},${r.paymentMode},${r.codAmount ?? ""},${r.weightGrams},${r.pickupLocationCode},${r.destinationPincode}\n`;
      if (!out.write(line)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(resolve));
    const started = performance.now();
    const report = await importShipmentsFile(database, file);
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...batchMs].sort((a, b) => a - b);
    return {
      recordShipments1000: { runs: batchMs.length, p50Ms: percentile(sorted, 50), maxMs: sorted.at(-1)!, retryUnchangedMs: retry.ms },
      import: { rows: report.records, created: report.shipments.created, rejected: report.rejected, seconds, rowsPerSecond: Math.round(report.records / seconds) },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    console.error("Deleting the rows the ingest step wrote…");
    await deleteIngestRows(database);
  }
}
