import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { withNoDelaySocket } from "../src/db/socket.js";

/*
 * The yardstick of `npm run bench`: a minimal HTTP server that answers two of the graph's registered
 * operations, PickupDashboard and TrackShipment (src/operations/shipments.graphql), with the JSON the
 * graph gives an ADMIN caller, from hand-written SQL (one statement per request, prepared by
 * postgres.js) and rows shaped in JavaScript. No GraphQL, no authentication, no limits: what is left
 * is the least work the answer needs. It takes the same request body as the graph (POST /graphql,
 * {operationName, query, variables}) and dispatches on operationName; the query text is ignored.
 *
 * Run by bench/run.ts: `node --import tsx bench/baseline.ts` with BASELINE_DATABASE_URL; it prints
 * "baseline serving <url>" when it listens.
 */

const databaseUrl = process.env.BASELINE_DATABASE_URL;
if (databaseUrl === undefined || databaseUrl === "") throw new Error("BASELINE_DATABASE_URL is not set");

// The graph's pool size (src/db/client.ts), so neither side gets more database connections.
// The graph's own socket (TCP_NODELAY, src/db/socket.ts): the yardstick gets every transport advantage the graph has.
const sql = postgres(databaseUrl, withNoDelaySocket({ max: 10, onnotice: () => {}, connection: { application_name: "dakgraph-baseline" } }));

const DAY_MS = 86_400_000;
const IST_OFFSET_MS = 5.5 * 3_600_000;

class BadRequest extends Error {}

function dateVariable(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new BadRequest(`${name} must be YYYY-MM-DD`);
  return value;
}

interface DashboardRow {
  code: string;
  name: string;
  daily_capacity: number;
  office_name: string;
  office_pincode: string;
  total: number;
  tracking_number: string | null;
  booked_at: Date | null;
  status: string | null;
  destination_pincode: string | null;
  delivery_office: string | null;
  occurred_at: Date | null;
  event_type: string | null;
}

/*
 * Every location (open on asOf, when given) with its office, its shipment count (its bookings summed
 * over the KPI rollup's quarters, as the graph reads it: counting the index grows with the table), its latest
 * `latest` shipments by (booked_at, id) through the (pickup_location_id, booked_at, id) index, and each
 * shipment's delivering office and last scan: one statement, one row per shipment. The location is matched and
 * ordered as the graph's latestOfParentSql does (src/modules/shipment/shipment.repository.ts), so that no plan
 * walks the (booked_at, id) index through the whole table for a location with no recent shipments.
 */
async function pickupDashboard(variables: Record<string, unknown>) {
  const asOf = dateVariable(variables.asOf, "asOf");
  const latest = variables.latest ?? 20;
  if (!Number.isInteger(latest) || (latest as number) < 0 || (latest as number) > 500) throw new BadRequest("latest must be 0 to 500");
  const rows = await sql<DashboardRow[]>`
    select pl.code, pl.name, pl.daily_capacity, po.name as office_name, po.pincode as office_pincode, n.total,
      s.tracking_number, s.booked_at, s.status, s.destination_pincode, d.name as delivery_office, e.occurred_at, e.event_type
    from pickup_location pl
    join post_office po on po.id = pl.post_office_id
    cross join lateral (select coalesce(sum(k.booked), 0)::int as total from kpi_rollup k
      where k.scope_kind = 'PICKUP_LOCATION' and k.scope_key = pl.id::text) n
    left join lateral (
      select s.id, s.tracking_number, s.booked_at, s.status, s.destination_pincode, s.delivery_office_id
      from shipment s where s.pickup_location_id = any(array[pl.id])
      order by s.pickup_location_id desc, s.booked_at desc, s.id desc limit ${latest as number}
    ) s on true
    left join post_office d on d.id = s.delivery_office_id
    left join lateral (
      select e.occurred_at, e.event_type from scan_event e where e.shipment_id = s.id
      order by e.occurred_at desc, e.id desc limit 1
    ) e on true
    where ${asOf}::date is null or (pl.active_from <= ${asOf}::date and (pl.active_to is null or pl.active_to >= ${asOf}::date))
    order by pl.code, s.booked_at desc, s.id desc`;
  const locations = [];
  let current: { code: string; shipments: { nodes: unknown[] } } | undefined;
  for (const r of rows) {
    if (current?.code !== r.code) {
      current = {
        code: r.code,
        name: r.name,
        dailyCapacity: r.daily_capacity,
        postOffice: { name: r.office_name, pincode: { code: r.office_pincode } },
        shipments: { totalCount: r.total, nodes: [] },
      } as { code: string; shipments: { nodes: unknown[] } };
      locations.push(current);
    }
    if (r.tracking_number === null) continue;
    current.shipments.nodes.push({
      trackingNumber: r.tracking_number,
      bookedAt: r.booked_at!.toISOString(),
      status: r.status,
      destinationPincode: r.destination_pincode,
      deliveryOffice: r.delivery_office === null ? null : { name: r.delivery_office },
      lastEvent: r.occurred_at === null ? null : { occurredAt: r.occurred_at.toISOString(), eventType: r.event_type },
    });
  }
  return { pickupLocations: locations };
}

interface TrackingRow {
  id: number;
  tracking_number: string;
  booking_date: string;
  booked_at: Date;
  product_code: string;
  payment_mode: string;
  weight_grams: number;
  destination_kind: string;
  destination_pincode: string;
  route_class: string;
  service_norm_days: number;
  promised_date: string;
  status: string;
  delivered_at: Date | null;
  attempts: number;
  synthetic: boolean;
  pickup_code: string;
  delivery_office: string | null;
  delivery_office_type: string | null;
  occurred_at: Date | null;
  event_type: string | null;
  failed_reason: string | null;
  raw_text: string | null;
  office_name: string | null;
  office_id: number | null;
  event_office: string | null;
  event_office_pincode: string | null;
}

/** The booking (of `bookingDate`, else the latest) with its location, delivering office and timeline: one statement, one row per scan. */
async function trackShipment(variables: Record<string, unknown>) {
  const raw = variables.trackingNumber;
  const trackingNumber = typeof raw === "string" ? raw.replace(/\s+/g, "").toUpperCase() : "";
  if (!/^[A-Z]{2}\d{9}[A-Z]{2}$/.test(trackingNumber)) throw new BadRequest("trackingNumber is not an S10 number");
  const bookingDate = dateVariable(variables.bookingDate, "bookingDate");
  const rows = await sql<TrackingRow[]>`
    select s.id, s.tracking_number, s.booking_date::text as booking_date, s.booked_at, s.product_code, s.payment_mode,
      s.weight_grams, s.destination_kind, s.destination_pincode, s.route_class, s.service_norm_days,
      s.promised_date::text as promised_date, s.status, s.delivered_at, s.attempts, s.synthetic,
      pl.code as pickup_code, d.name as delivery_office, d.office_type as delivery_office_type,
      e.occurred_at, e.event_type, e.failed_reason, e.raw_text, e.office_name, e.office_id,
      o.name as event_office, o.pincode as event_office_pincode
    from (
      select * from shipment
      where tracking_number = ${trackingNumber} and (${bookingDate}::date is null or booking_date = ${bookingDate}::date)
      order by booking_date desc limit 1
    ) s
    join pickup_location pl on pl.id = s.pickup_location_id
    left join post_office d on d.id = s.delivery_office_id
    left join scan_event e on e.shipment_id = s.id
    left join post_office o on o.id = e.office_id
    order by e.occurred_at, e.id`;
  const s = rows[0];
  if (s === undefined) return { shipment: null };
  const delivered = s.delivered_at;
  return {
    shipment: {
      id: Buffer.from(`Shipment:${s.id}`, "utf8").toString("base64url"),
      trackingNumber: s.tracking_number,
      bookingDate: s.booking_date,
      bookedAt: s.booked_at.toISOString(),
      productCode: s.product_code,
      paymentMode: s.payment_mode,
      weightGrams: s.weight_grams,
      destinationKind: s.destination_kind,
      destinationPincode: s.destination_pincode,
      routeClass: s.route_class,
      serviceNormDays: s.service_norm_days,
      promisedDate: s.promised_date,
      status: s.status,
      deliveredAt: delivered === null ? null : delivered.toISOString(),
      attempts: s.attempts,
      transitDays: delivered === null ? null : Math.round(((delivered.getTime() - s.booked_at.getTime()) / DAY_MS) * 1000) / 1000,
      onTime: delivered === null ? null : new Date(delivered.getTime() + IST_OFFSET_MS).toISOString().slice(0, 10) <= s.promised_date,
      synthetic: s.synthetic,
      pickupLocation: { code: s.pickup_code },
      deliveryOffice: s.delivery_office === null ? null : { name: s.delivery_office, officeType: s.delivery_office_type },
      events: rows
        .filter((r) => r.occurred_at !== null)
        .map((r) => ({
          occurredAt: r.occurred_at!.toISOString(),
          eventType: r.event_type,
          failedReason: r.failed_reason,
          rawText: r.raw_text,
          officeName: r.office_name,
          office: r.office_id === null ? null : { name: r.event_office, pincode: { code: r.event_office_pincode } },
        })),
    },
  };
}

const OPERATIONS: Record<string, (variables: Record<string, unknown>) => Promise<unknown>> = {
  PickupDashboard: pickupDashboard,
  TrackShipment: trackShipment,
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown, statements: number): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-sql-statements": String(statements) });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "POST" || req.url !== "/graphql") {
    send(res, 404, { errors: [{ message: "POST /graphql only" }] }, 0);
    return;
  }
  let request: { operationName?: unknown; variables?: unknown };
  try {
    request = JSON.parse(await readBody(req)) as typeof request;
  } catch {
    send(res, 400, { errors: [{ message: "The body is not JSON" }] }, 0);
    return;
  }
  const operation = typeof request.operationName === "string" ? OPERATIONS[request.operationName] : undefined;
  if (operation === undefined) {
    send(res, 400, { errors: [{ message: `The baseline answers ${Object.keys(OPERATIONS).join(" and ")} only` }] }, 0);
    return;
  }
  const variables = typeof request.variables === "object" && request.variables !== null ? (request.variables as Record<string, unknown>) : {};
  try {
    send(res, 200, { data: await operation(variables) }, 1);
  } catch (error) {
    send(res, error instanceof BadRequest ? 400 : 500, { errors: [{ message: (error as Error).message }] }, 1);
  }
}

const server = http.createServer((req, res) => void handle(req, res));
server.keepAliveTimeout = 65_000;
// BASELINE_PORT: a fixed port when the machine's ports are shared out (bench/run.ts --port-base); else any free one.
server.listen(Number(process.env.BASELINE_PORT ?? 0), "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(`baseline serving http://127.0.0.1:${port}/graphql`);
});
const stop = () => {
  server.close();
  server.closeAllConnections();
  void sql.end({ timeout: 5 }).then(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
