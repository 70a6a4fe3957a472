import { sql } from "drizzle-orm";
import { boolean, char, check, date, index, integer, pgTable, primaryKey, serial, text, timestamp } from "drizzle-orm/pg-core";

export const SERVICEABILITY_CHANNELS = ["INDIA_POST", "ARMY_POSTAL_SERVICE"] as const;
export type ServiceabilityChannelValue = (typeof SERVICEABILITY_CHANNELS)[number];

/**
 * Where Amazon marks delivery through India Post as available, effective-dated: one row per PIN (or Army
 * Postal location, a zone-9 PIN) and period. Periods of one PIN never overlap (checked on write); a period
 * is identified by its PIN and first day, so closing it (setting valid_to) is an update, not a new row.
 */
export const serviceabilityTable = pgTable(
  "serviceability",
  {
    id: serial("id").primaryKey(),
    pincode: char("pincode", { length: 6 }).notNull(),
    channel: text("channel").$type<ServiceabilityChannelValue>().notNull(),
    validFrom: date("valid_from", { mode: "string" }).notNull(),
    /** Last day (inclusive); null while open-ended. */
    validTo: date("valid_to", { mode: "string" }),
    synthetic: boolean("synthetic").notNull().default(false),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().default(sql`now()`),
  },
  (t) => [
    index("serviceability_pin").on(t.pincode, t.validFrom),
    check("serviceability_pin_format", sql`${t.pincode} ~ '^[1-9][0-9]{5}$'`),
    check("serviceability_channel", sql`${t.channel} in ('INDIA_POST', 'ARMY_POSTAL_SERVICE')`),
    // Army Postal locations (zone 9) are served by the Army Postal Service, civilian PINs by India Post.
    check("serviceability_channel_zone", sql`(${t.channel} = 'ARMY_POSTAL_SERVICE') = (${t.pincode} like '9%')`),
    check("serviceability_dates", sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`),
  ],
);

export type ServiceabilityRow = typeof serviceabilityTable.$inferSelect;

export const REMOTE_RULE_KINDS = ["STATE", "DISTRICT", "PIN_PREFIX"] as const;
export type RemoteRuleKindValue = (typeof REMOTE_RULE_KINDS)[number];

/** A class of remote or restricted areas (North-East, Ladakh and J&K hills, islands, Army Postal). Data, not code. */
export const remoteClassTable = pgTable("remote_class", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull(),
});

/**
 * What puts a PIN in a remote class: its derived primary state, its primary district (written
 * "State/District"), or a PIN prefix. A PIN may be in several classes.
 */
export const remoteClassRuleTable = pgTable(
  "remote_class_rule",
  {
    classCode: text("class_code")
      .notNull()
      .references(() => remoteClassTable.code),
    kind: text("kind").$type<RemoteRuleKindValue>().notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.classCode, t.kind, t.value] }), check("remote_class_rule_kind", sql`${t.kind} in ('STATE', 'DISTRICT', 'PIN_PREFIX')`)],
);

/**
 * Deliveries per destination PIN and fiscal quarter of delivery (IST): the rollup coverage reads instead
 * of scanning shipments. Incremented when a shipment becomes DELIVERED (a final status, so it is never
 * decremented); rebuilt from the shipment rows by refreshPinDeliveryRollup after bulk loads.
 */
export const pinDeliveryQuarterTable = pgTable(
  "pin_delivery_quarter",
  {
    pincode: char("pincode", { length: 6 }).notNull(),
    /** Canonical FiscalQuarter, e.g. FY2024-25-Q2. */
    quarter: text("quarter").notNull(),
    delivered: integer("delivered").notNull(),
    firstDeliveredAt: timestamp("first_delivered_at", { withTimezone: true, mode: "date" }).notNull(),
    lastDeliveredAt: timestamp("last_delivered_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.pincode, t.quarter] }), index("pin_delivery_quarter_quarter").on(t.quarter)],
);
