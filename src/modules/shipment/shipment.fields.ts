import { type SQL, sql } from "drizzle-orm";
import { fiscalQuarterSql, istDaySql } from "../../db/calendar-sql.js";
import { ComputedFields } from "../../lib/projection.js";
import { shipmentTable } from "./shipment.sql.js";

/** Milliseconds since the epoch, truncated as a JavaScript Date holds an instant read from PostgreSQL. */
const epochMs = (instant: SQL) => sql`floor(extract(epoch from ${instant}) * 1000)`;

/**
 * Shipment fields computed from the shipment's own row, each written once, as SQL. The single statement writes
 * these expressions into its JSON; the resolver path reads the values the same expressions gave (the shipment
 * readers select them with the row; a row read otherwise asks the shipmentComputedById loader). Neither path
 * computes them in JavaScript, so the two cannot disagree (test/field-definitions.test.ts compares them on
 * every field all the same).
 */
export const shipmentComputed = new ComputedFields(shipmentTable, {
  // (delivered − booked) / 24 h, rounded half up to 3 decimals in double arithmetic.
  transitDays: {
    sql: (s) =>
      sql`case when ${s.deliveredAt} is null then null else floor(((${epochMs(s.deliveredAt)} - ${epochMs(s.bookedAt)})::float8 / 86400000::float8) * 1000::float8 + 0.5::float8) / 1000::float8 end`,
    uses: { filter: true, order: true },
  },
  // Delivered on or before the promised day, both IST calendar days.
  onTime: {
    sql: (s) => sql`case when ${s.deliveredAt} is null then null else ${istDaySql(s.deliveredAt)} <= ${s.promisedDate} end`,
    uses: { filter: true, group: true },
  },
  bookingQuarter: { sql: (s) => fiscalQuarterSql(s.bookedAt), uses: { filter: true, group: true } },
  // Where the COD cash is (CodCashStatus): remitted once in a batch; collected at delivery; never, once the
  // parcel went back, was lost or cancelled.
  codStatus: {
    sql: (s) => sql`case when ${s.paymentMode} <> 'COD' then null
      when ${s.codRemittanceId} is not null then 'REMITTED'
      when ${s.status} = 'DELIVERED' then 'COLLECTED'
      when ${s.status} in ('RTO_INITIATED', 'RTO_DELIVERED', 'LOST', 'CANCELLED') then 'NOT_COLLECTED'
      else 'AWAITING_DELIVERY' end`,
    uses: { filter: true, group: true },
  },
  // Stored as "APO_56": addressed as "c/o 56 APO".
  armyPostOffice: { sql: (s) => sql`case when ${s.armyPostOffice} is null then null else 'c/o ' || substr(${s.armyPostOffice}, 5) || ' APO' end` },
});

export type ShipmentComputedName = (typeof shipmentComputed.names)[number];
