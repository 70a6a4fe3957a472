import { columnFields, DECLINE, globalIdSql, type TypeProjection } from "../../lib/projection.js";
import { pageSize } from "../../lib/pagination.js";
import { scanEventTable, shipmentTable } from "./shipment.sql.js";
import { latestOfParentSql, shipmentComputed } from "./shipment.repository.js";
import { isArmyPostal } from "../pincode/pincode.zone.js";
import { DestinationKind, FailedAttemptReason, PaymentMode, RouteClass, ScanEventType, ShipmentStatus } from "./shipment.type.js";

/**
 * Shipment, ScanEvent, Query.shipment(s), Query.scanEvents and PickupLocation.shipments as SQL, for the single statement
 * (src/lib/projection.ts). Columns and the computed fields (shipment.repository.ts) are the fields' own
 * definitions, which the resolvers read too; the relations mirror the loaders the resolvers call.
 */
export const shipmentProjections: readonly TypeProjection[] = [
  {
    type: "Query",
    fields: {
      // The resolvers' shipmentsWhere, as one subquery: the deprecated `filter` is left to them.
      shipments: { kind: "page", type: "Shipment", connectionType: "ShipmentConnection", table: "shipment", defaultOrder: [{ key: "BOOKED_AT", descending: true }], decline: ["filter"] },
      // findTrackedShipment: the booking of the day when one is given, else the latest booking of the number.
      // The resolvers' scanEventQuery, as one subquery; a circle-scoped viewer is left to them (as every plan is).
      scanEvents: { kind: "page", type: "ScanEvent", connectionType: "ScanEventConnection", table: "scan_event", defaultOrder: [{ key: "OCCURRED_AT", descending: true }] },
      shipment: {
        kind: "object",
        type: "Shipment",
        source: (_row, as, { arg }) => {
          const day = arg("bookingDate", "date");
          // A range rather than `day is null or booking_date = day`: a generic plan can prune shipment's quarter
          // partitions by it as the executor starts, which it cannot through an OR.
          return `(select * from shipment b where b.tracking_number = ${arg("trackingNumber", "char(13)")}
            and b.booking_date between coalesce(${day}, '-infinity'::date) and coalesce(${day}, 'infinity'::date)
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
          // A cursor, a filter, an order or a backward page is left to the resolvers.
          for (const name of ["after", "where", "orderBy", "last", "before"]) arg(name, "text", (value) => (value === null ? null : DECLINE));
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
    type: "Pincode",
    fields: {},
    resolverOnly: { shipments: "a paged connection whose Army Postal clause is checked per PIN, through the page loaders" },
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
      ], {
        trackingNumber: { filter: true },
        bookingDate: { filter: true, order: true, group: true },
        bookedAt: { filter: true, order: true },
        productCode: { filter: true, order: true, group: true },
        paymentMode: { filter: true, order: true, group: true, operand: { enum: PaymentMode, name: "PaymentMode" } },
        weightGrams: { filter: true, order: true },
        destinationKind: { filter: true, group: true, operand: { enum: DestinationKind, name: "DestinationKind" } },
        routeClass: { filter: true, order: true, group: true, operand: { enum: RouteClass, name: "RouteClass" } },
        promisedDate: { filter: true, order: true },
        status: { filter: true, order: true, group: true, operand: { enum: ShipmentStatus, name: "ShipmentStatus" } },
        deliveredAt: { filter: true, order: true },
        attempts: { filter: true, order: true },
        synthetic: { filter: true },
      }),
      ...shipmentComputed.projections,
      id: { kind: "value", sql: (row) => globalIdSql("Shipment", `${row}.id`) },
      // Its Army Postal clause makes the plan decline viewers without ARMY_POSTAL: the resolver checks per row.
      destinationPincode: {
        kind: "value",
        sql: (row) => `${row}.destination_pincode`,
        uses: { filter: true, order: true, group: true, operand: "String", cast: "char(6)", nullable: false, armyPostal: (pin) => isArmyPostal(String(pin)) },
      },
      pickupLocation: {
        kind: "object",
        type: "PickupLocation",
        source: (row, as) => `pickup_location ${as} where ${as}.id = ${row}.pickup_location_id`,
        uses: { filter: true, order: true },
      },
      remittance: { kind: "object", type: "CodRemittance", source: (row, as) => `cod_remittance ${as} where ${as}.id = ${row}.cod_remittance_id` },
      deliveryOffice: {
        kind: "object",
        type: "PostOffice",
        source: (row, as) => `post_office ${as} where ${as}.id = ${row}.delivery_office_id`,
        uses: { filter: true, order: true },
      },
      // The events loaders' orders: the timeline by (time, arrival); the last scan is its end. The booking day, equal
      // through the foreign key, lets PostgreSQL read only the shipment's quarter of scan_event (partitioned alike).
      events: {
        kind: "list",
        type: "ScanEvent",
        source: (row, as) => `scan_event ${as} where ${as}.shipment_id = ${row}.id and ${as}.booking_date = ${row}.booking_date`,
        order: (as) => `${as}.occurred_at, ${as}.id`,
      },
      lastEvent: {
        kind: "object",
        type: "ScanEvent",
        source: (row, as) => `(select * from scan_event l where l.shipment_id = ${row}.id and l.booking_date = ${row}.booking_date order by l.occurred_at desc, l.id desc limit 1) ${as}`,
      },
    },
    resolverOnly: {
      product: "a relation through the product loader (Product has no SQL definitions yet)",
      codAmount: "a Money object, formatted in Indian digit grouping by Intl (lib/money.ts); its column is cod_amount_paise",
      codFee: "a Money object from India Post's fee schedule (lib/cod.ts) over cod_amount_paise",
      declaredValue: "a Money object, formatted by Intl (lib/money.ts); its column is declared_value_paise",
      destination: "the destination Pincode through its loader; null for Army Postal destinations",
    },
    relations: {
      // Army Postal destinations are not in the directory: no row, so they match no condition on it.
      destination: { type: "Pincode", source: (row, as) => `pincode ${as} where ${as}.code = ${row}.destination_pincode`, uses: { filter: true, order: true } },
    },
    compared: {
      codAmount: { filter: true, order: true, operand: "Money", raw: (row) => `${row}.cod_amount_paise`, cast: "int8" },
      declaredValue: { filter: true, order: true, operand: "Money", raw: (row) => `${row}.declared_value_paise`, cast: "int8" },
    },
    key: { sql: (row) => `${row}.id`, kind: "n" },
  },
  {
    type: "ScanEvent",
    fields: {
      ...columnFields(scanEventTable, ["occurredAt", "eventType", "failedReason", "officeName", "rawText"], {
        occurredAt: { filter: true, order: true },
        eventType: { filter: true, order: true, operand: { enum: ScanEventType, name: "ScanEventType" } },
        failedReason: { filter: true, order: true, operand: { enum: FailedAttemptReason, name: "FailedAttemptReason" } },
        // Filterable only: OFFICE_NAME orders by the directory office's name (through `office`).
        officeName: { filter: true },
        rawText: { filter: true },
      }),
      id: { kind: "value", sql: (row) => globalIdSql("ScanEvent", `${row}.id`) },
      office: {
        kind: "object",
        type: "PostOffice",
        source: (row, as) => `post_office ${as} where ${as}.id = ${row}.office_id`,
        uses: { filter: true, order: true },
      },
      // The shipmentById loader's row; through it a scan is filtered and ordered by its shipment's fields (and theirs).
      // With the booking day (the foreign key's second column) a scan's shipment is one probe of one quarter's
      // partition, not one per partition.
      shipment: {
        kind: "object",
        type: "Shipment",
        source: (row, as) => `shipment ${as} where ${as}.id = ${row}.shipment_id and ${as}.booking_date = ${row}.booking_date`,
        uses: { filter: true, order: true },
      },
    },
    key: { sql: (row) => `${row}.id`, kind: "n" },
  },
];
