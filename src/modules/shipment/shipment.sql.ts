import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import { bigint, boolean, char, check, date, foreignKey, index, integer, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { istDaySql } from "../../db/calendar-sql.js";
import { updatedAt } from "../../db/columns.js";
import { codRemittanceTable } from "../cod-remittance/cod-remittance.sql.js";
import { pickupLocationTable } from "../pickup-location/pickup-location.sql.js";
import { postOfficeTable } from "../post-office/post-office.sql.js";
import { productTable } from "../product/product.sql.js";
import type { FailedAttemptReason, ScanEventType, ShipmentStatus } from "./scan-event.rules.js";

export const PAYMENT_MODES = ["PREPAID", "COD"] as const;
export type PaymentModeValue = (typeof PAYMENT_MODES)[number];

export const DESTINATION_KINDS = ["PIN_CODE", "ARMY_POSTAL"] as const;
export type DestinationKindValue = (typeof DESTINATION_KINDS)[number];

/**
 * The two Army Postal Service base offices civilian mail for Army units is addressed through: "c/o 56 APO"
 * (New Delhi) and "c/o 99 APO" (Kolkata). Zone-9 PINs are almost absent from open data.
 */
export const ARMY_POST_OFFICES = ["APO_56", "APO_99"] as const;
export type ArmyPostOfficeValue = (typeof ARMY_POST_OFFICES)[number];

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * Delivered on or before the promised day, both IST calendar days; null until delivered. Shipment.onTime is this
 * expression (shipmentComputed), and so is the predicate of the index shipment_late_cod: the planner uses a
 * partial index only for a query whose WHERE contains the predicate's very expression, so the two are one
 * function, not two copies that could drift apart (test/shipments.test.ts checks the index serves the filter).
 */
export function onTimeSql(deliveredAt: AnyColumn | SQL, promisedDate: AnyColumn | SQL): SQL {
  return sql`case when ${deliveredAt} is null then null else ${istDaySql(sql`${deliveredAt}`)} <= ${promisedDate} end`;
}

/**
 * One Amazon parcel carried by India Post. A tracking number is unique together with its IST booking
 * date (India Post may reuse a number after 12 months). Status and the delivery columns are derived
 * from the scan timeline by scan-event.rules.ts and rewritten whenever events arrive; they are never
 * set directly.
 *
 * Partitioned by range of booking_date, one partition per fiscal quarter (shipment_fy2024_25_q3: 2024-10-01 to
 * 2025-01-01), by migration 0016_partition_shipments, which drizzle-kit cannot express: the tables here are what the
 * code reads and writes, the partitions are made by ensure_booking_partitions() (shipment-partition.repository.ts).
 * PostgreSQL requires every unique key of a partitioned table to contain the partition key, hence the primary key
 * (id, booking_date) and scan_event's foreign key on both columns.
 */
export const shipmentTable = pgTable(
  "shipment",
  {
    /** Unique on its own (one sequence feeds every partition), but keyed with booking_date: see the table's note. */
    id: serial("id").notNull(),
    trackingNumber: char("tracking_number", { length: 13 }).notNull(),
    /** IST calendar day of booked_at: with the tracking number, the natural key. */
    bookingDate: date("booking_date", { mode: "string" }).notNull(),
    bookedAt: timestamptz("booked_at").notNull(),
    productCode: text("product_code")
      .notNull()
      .references(() => productTable.code),
    paymentMode: text("payment_mode").$type<PaymentModeValue>().notNull(),
    /** Cash to collect on delivery, integer paise; set exactly when payment_mode is COD. */
    codAmountPaise: bigint("cod_amount_paise", { mode: "number" }),
    weightGrams: integer("weight_grams").notNull(),
    declaredValuePaise: bigint("declared_value_paise", { mode: "number" }),
    pickupLocationId: integer("pickup_location_id")
      .notNull()
      .references(() => pickupLocationTable.id),
    destinationKind: text("destination_kind").$type<DestinationKindValue>().notNull(),
    /** A directory PIN for PIN_CODE destinations; an Army Postal (9xxxxx) PIN, not in the directory, for ARMY_POSTAL. */
    destinationPincode: char("destination_pincode", { length: 6 }).notNull(),
    armyPostOffice: text("army_post_office").$type<ArmyPostOfficeValue>(),
    deliveryOfficeId: integer("delivery_office_id").references(() => postOfficeTable.id),
    /** The service-norm route class and days applied at booking (service-norm module). */
    routeClass: text("route_class").notNull(),
    serviceNormDays: integer("service_norm_days").notNull(),
    promisedDate: date("promised_date", { mode: "string" }).notNull(),
    status: text("status").$type<ShipmentStatus>().notNull().default("BOOKED"),
    deliveredAt: timestamptz("delivered_at"),
    attempts: integer("attempts").notNull().default(0),
    outForDeliveryCount: integer("out_for_delivery_count").notNull().default(0),
    firstAttemptAt: timestamptz("first_attempt_at"),
    /** The distinct reasons of the counted failed attempts, sorted: the failed-attempt KPI by reason. */
    failedReasons: text("failed_reasons").array().$type<FailedAttemptReason[]>().notNull().default(sql`'{}'::text[]`),
    returnedAt: timestamptz("returned_at"),
    rtoDeliveredAt: timestamptz("rto_delivered_at"),
    lastEventAt: timestamptz("last_event_at"),
    codRemittanceId: integer("cod_remittance_id").references(() => codRemittanceTable.id),
    /** True for rows made by the demo generator: never real partnership data. */
    synthetic: boolean("synthetic").notNull().default(false),
    createdAt: timestamptz("created_at").notNull().default(sql`now()`),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "shipment_pkey", columns: [t.id, t.bookingDate] }),
    uniqueIndex("shipment_tracking_booking").on(t.trackingNumber, t.bookingDate),
    index("shipment_pickup_booked").on(t.pickupLocationId, t.bookedAt, t.id),
    index("shipment_destination").on(t.destinationPincode, t.bookedAt, t.id),
    index("shipment_booked").on(t.bookedAt, t.id),
    // Partial: a new booking has neither, so inserting one skips these two indexes (bulk imports insert
    // millions); every query on them compares the column, which implies the predicate.
    index("shipment_delivered").on(t.deliveredAt).where(sql`${t.deliveredAt} is not null`),
    index("shipment_remittance").on(t.codRemittanceId).where(sql`${t.codRemittanceId} is not null`),
    // COD shipments by amount, largest first: a page of them ordered so (late COD in a circle, largest first)
    // stops after its rows instead of sorting every COD shipment the other conditions keep.
    index("shipment_cod_amount").on(t.codAmountPaise.desc().nullsFirst(), t.id.desc().nullsFirst()).where(sql`${t.paymentMode} = 'COD'`),
    // The late COD deliveries by amount, largest first (issue 19's "late COD in a circle, largest first"): the
    // page walks only late COD rows, about 6% of COD, instead of every COD row by amount, and the index's size
    // tells the planner how few they are, which it cannot estimate for an expression over two columns.
    index("shipment_late_cod")
      .on(t.codAmountPaise.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.paymentMode} = 'COD' and (${onTimeSql(t.deliveredAt, t.promisedDate)}) = false`),
    check("shipment_tracking_format", sql`${t.trackingNumber} ~ '^[A-Z]{2}[0-9]{9}[A-Z]{2}$'`),
    check("shipment_payment_mode", sql`${t.paymentMode} in ('PREPAID', 'COD')`),
    check(
      "shipment_cod_amount",
      sql`(${t.paymentMode} = 'COD') = (${t.codAmountPaise} is not null) and (${t.codAmountPaise} is null or (${t.codAmountPaise} between 100 and 5000000 and ${t.codAmountPaise} % 100 = 0))`,
    ),
    check("shipment_weight", sql`${t.weightGrams} > 0`),
    check("shipment_declared_value", sql`${t.declaredValuePaise} is null or ${t.declaredValuePaise} >= 0`),
    check("shipment_destination_kind", sql`${t.destinationKind} in ('PIN_CODE', 'ARMY_POSTAL')`),
    check(
      "shipment_army_post_office",
      sql`(${t.destinationKind} = 'ARMY_POSTAL') = (${t.armyPostOffice} is not null) and (${t.armyPostOffice} is null or ${t.armyPostOffice} in ('APO_56', 'APO_99'))`,
    ),
    check("shipment_destination_pincode", sql`${t.destinationPincode} ~ '^[1-9][0-9]{5}$'`),
    check(
      "shipment_status",
      sql`${t.status} in ('BOOKED', 'IN_TRANSIT', 'AT_DESTINATION', 'OUT_FOR_DELIVERY', 'DELIVERY_ATTEMPTED', 'ON_HOLD', 'DELIVERED', 'RTO_INITIATED', 'RTO_DELIVERED', 'LOST', 'CANCELLED')`,
    ),
    check("shipment_delivered_status", sql`(${t.status} = 'DELIVERED') = (${t.deliveredAt} is not null)`),
    check("shipment_remitted_cod", sql`${t.codRemittanceId} is null or (${t.paymentMode} = 'COD' and ${t.status} = 'DELIVERED')`),
  ],
);

export type ShipmentRow = typeof shipmentTable.$inferSelect;
export type ShipmentInsert = typeof shipmentTable.$inferInsert;

/**
 * One India Post scan of a shipment, kept as received (raw text included) beside its normalised type.
 * The same scan sent again (same shipment, time and type) is the same row. Partitioned like shipment, by the
 * shipment's booking day (not the scan's time), so the key to its shipment stays a foreign key.
 */
export const scanEventTable = pgTable(
  "scan_event",
  {
    id: serial("id").notNull(),
    shipmentId: integer("shipment_id").notNull(),
    /** The shipment's booking_date, copied: scan_event is partitioned by it alike, so a shipment and its scans share a quarter. */
    bookingDate: date("booking_date", { mode: "string" }).notNull(),
    occurredAt: timestamptz("occurred_at").notNull(),
    eventType: text("event_type").$type<ScanEventType>().notNull(),
    failedReason: text("failed_reason").$type<FailedAttemptReason>(),
    officeId: integer("office_id").references(() => postOfficeTable.id),
    /** The office as India Post's feed names it, kept even when it matches no directory office. */
    officeName: text("office_name"),
    /** India Post's event text as received; null when the event was sent as a normalised code. */
    rawText: text("raw_text"),
    createdAt: timestamptz("created_at").notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ name: "scan_event_pkey", columns: [t.id, t.bookingDate] }),
    foreignKey({ name: "scan_event_shipment_fk", columns: [t.shipmentId, t.bookingDate], foreignColumns: [shipmentTable.id, shipmentTable.bookingDate] }),
    // booking_date last: it follows from shipment_id, and PostgreSQL wants the partition key in every unique index;
    // ahead of occurred_at it would stop the index from giving one shipment's scans in time order.
    uniqueIndex("scan_event_identity").on(t.shipmentId, t.occurredAt, t.eventType, t.bookingDate),
    // scanEvents' default order (newest first) and any page filtered through the shipment: walked backwards, it gives
    // the page's rows in order instead of sorting every scan.
    index("scan_event_occurred_at").on(t.occurredAt, t.id),
    check(
      "scan_event_type",
      sql`${t.eventType} in ('BOOKED', 'BAGGED', 'DISPATCHED', 'BAG_RECEIVED', 'RECEIVED_AT_DESTINATION', 'OUT_FOR_DELIVERY', 'DELIVERY_ATTEMPTED', 'ON_HOLD', 'REDIRECTED', 'RETURNED_TO_SENDER', 'DELIVERED', 'DELIVERED_TO_SENDER', 'LOST', 'CANCELLED')`,
    ),
    check(
      "scan_event_reason",
      sql`(${t.eventType} = 'DELIVERY_ATTEMPTED') = (${t.failedReason} is not null) and (${t.failedReason} is null or ${t.failedReason} in ('ADDRESSEE_ABSENT', 'DOOR_LOCKED', 'REFUSED', 'UNCLAIMED', 'ADDRESS_INCOMPLETE', 'MISSENT', 'OTHER'))`,
    ),
  ],
);

export type ScanEventRow = typeof scanEventTable.$inferSelect;
