import { columnFields, DECLINE, globalIdSql, type TypeProjection } from "../../lib/projection.js";
import { pageSize } from "../../lib/pagination.js";
import { scanEventTable, shipmentTable } from "./shipment.sql.js";
import { latestOfParentSql } from "./shipment.repository.js";

/** Milliseconds since the epoch, truncated as a JavaScript Date holds an instant read from PostgreSQL. */
const epochMs = (expression: string) => `floor(extract(epoch from ${expression}) * 1000)`;

/**
 * Shipment, ScanEvent, Query.shipment and PickupLocation.shipments as SQL, for the single-statement
 * executor (src/lib/projection.ts). Each mirrors the resolver in shipment.resolver.ts of the same name.
 */
export const shipmentProjections: readonly TypeProjection[] = [
  {
    type: "Query",
    fields: {
      // findTrackedShipment: the booking of the day when one is given, else the latest booking of the number.
      shipment: {
        kind: "object",
        type: "Shipment",
        source: (_row, as, { arg }) => {
          const day = arg("bookingDate", "date");
          return `(select * from shipment b where b.tracking_number = ${arg("trackingNumber", "char(13)")} and (${day} is null or b.booking_date = ${day})
            order by b.booking_date desc limit 1) ${as}`;
        },
      },
    },
  },
  {
    type: "PickupLocation",
    fields: {
      // childConnection through shipmentPageByPickupLocation / shipmentCountByPickupLocation; a cursor (`after`) is left to them.
      shipments: {
        kind: "connection",
        type: "Shipment",
        connectionType: "ShipmentConnection",
        count: (row) => `(select coalesce(sum(k.booked), 0)::int from kpi_rollup k where k.scope_kind = 'PICKUP_LOCATION' and k.scope_key = ${row}.id::text)`,
        source: (row, as, { arg }) => {
          arg("after", "text", (after) => (after === null ? null : DECLINE));
          const first = arg("first", "int", (value, limits) => {
            try {
              return pageSize(value as number | null, limits.maxPageSize);
            } catch {
              return DECLINE;
            }
          });
          const page = latestOfParentSql("p", "pickup_location_id", `${row}.id`);
          return `(select * from shipment p where ${page.where} order by ${page.orderBy} limit ${first}) ${as}`;
        },
        order: (as) => `${as}.booked_at desc, ${as}.id desc`,
      },
    },
  },
  {
    type: "Shipment",
    fields: {
      ...columnFields(shipmentTable, [
        "trackingNumber",
        "bookingDate",
        "bookedAt",
        "productCode",
        "paymentMode",
        "weightGrams",
        "destinationKind",
        "routeClass",
        "serviceNormDays",
        "promisedDate",
        "status",
        "deliveredAt",
        "attempts",
        "outForDeliveryCount",
        "firstAttemptAt",
        "returnedAt",
        "rtoDeliveredAt",
        "lastEventAt",
        "synthetic",
      ]),
      id: { kind: "value", sql: (row) => globalIdSql("Shipment", `${row}.id`) },
      // Its Army Postal clause makes the plan decline viewers without ARMY_POSTAL: the resolver checks per row.
      destinationPincode: { kind: "value", sql: (row) => `${row}.destination_pincode` },
      // Math.round(ms / DAY_MS * 1000) / 1000 in the same double arithmetic.
      transitDays: {
        kind: "value",
        sql: (row) =>
          `case when ${row}.delivered_at is null then null else floor(((${epochMs(`${row}.delivered_at`)} - ${epochMs(`${row}.booked_at`)})::float8 / 86400000::float8) * 1000::float8 + 0.5::float8) / 1000::float8 end`,
      },
      onTime: {
        kind: "value",
        sql: (row) => `case when ${row}.delivered_at is null then null else (${row}.delivered_at at time zone 'Asia/Kolkata')::date <= ${row}.promised_date end`,
      },
      pickupLocation: { kind: "object", type: "PickupLocation", source: (row, as) => `pickup_location ${as} where ${as}.id = ${row}.pickup_location_id` },
      deliveryOffice: { kind: "object", type: "PostOffice", source: (row, as) => `post_office ${as} where ${as}.id = ${row}.delivery_office_id` },
      // The events loaders' orders: the timeline by (time, arrival); the last scan is its end.
      events: {
        kind: "list",
        type: "ScanEvent",
        source: (row, as) => `scan_event ${as} where ${as}.shipment_id = ${row}.id`,
        order: (as) => `${as}.occurred_at, ${as}.id`,
      },
      lastEvent: {
        kind: "object",
        type: "ScanEvent",
        source: (row, as) => `(select * from scan_event l where l.shipment_id = ${row}.id order by l.occurred_at desc, l.id desc limit 1) ${as}`,
      },
    },
  },
  {
    type: "ScanEvent",
    fields: {
      ...columnFields(scanEventTable, ["occurredAt", "eventType", "failedReason", "officeName", "rawText"]),
      id: { kind: "value", sql: (row) => globalIdSql("ScanEvent", `${row}.id`) },
      office: { kind: "object", type: "PostOffice", source: (row, as) => `post_office ${as} where ${as}.id = ${row}.office_id` },
    },
  },
];
