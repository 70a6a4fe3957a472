import { columnFields, globalIdSql, type TypeProjection } from "../../lib/projection.js";
import { pincodeComputed } from "./pincode.repository.js";
import { pincodeTable } from "./pincode.sql.js";
import { CoordinateQuality } from "./pincode.type.js";
import { activeInQuarterSql, inRemoteClassSql, serviceableAsOfSql } from "../coverage/coverage.repository.js";
import { type FiscalQuarter, FiscalQuarterScalar, formatFiscalQuarter } from "../../lib/fiscal-quarter.js";
import { DateScalar } from "../../lib/scalars.js";

/** Pincode as SQL, for the single-statement executor (src/lib/projection.ts). */
export const pincodeProjections: readonly TypeProjection[] = [
  {
    type: "Pincode",
    fields: {
      ...columnFields(pincodeTable, ["code", "officeCount", "deliveryOfficeCount", "primaryState", "primaryDistrict", "coordinateQuality"], {
        code: { filter: true, order: true },
        primaryState: { filter: true, order: true, group: true },
        primaryDistrict: { filter: true, order: true, group: true },
        coordinateQuality: { filter: true, group: true, operand: { enum: CoordinateQuality, name: "CoordinateQuality" } },
      }),
      ...pincodeComputed.projections,
      id: { kind: "value", sql: (row) => globalIdSql("Pincode", `${row}.code`) },
      primaryCircle: {
        kind: "object",
        type: "Circle",
        source: (row, as) => `postal_circle ${as} where ${as}.id = ${row}.primary_circle_id`,
        uses: { filter: true, order: true },
      },
    },
    resolverOnly: {
      zoneName: "a label of the zone, looked up in POSTAL_ZONES (pincode.zone.ts)",
      location: "a GeoPoint object built from the coordinate columns and their quality",
      postOffices: "a paged connection with cursors, which the single statement does not answer",
    },
    conditions: {
      serviceableAsOf: {
        type: () => DateScalar,
        description: "Serviceable on this IST day: Amazon delivers to the PIN through India Post (a serviceability period holds the day; Pincode.coverage).",
        mirrors: "Pincode.coverage",
        cast: "date",
        sql: (row, day) => serviceableAsOfSql(`${row}.code`, day),
      },
      activeInQuarter: {
        type: () => FiscalQuarterScalar,
        description: "Active in this fiscal quarter: at least one shipment was delivered to the PIN in it (Pincode.coverage).",
        mirrors: "Pincode.coverage",
        cast: "text",
        convert: (quarter) => formatFiscalQuarter(quarter as FiscalQuarter),
        sql: (row, quarter) => activeInQuarterSql(`${row}.code`, quarter),
      },
      remoteClass: {
        type: () => String,
        description: "In this remote class (its code, as Pincode.remoteClasses lists it).",
        mirrors: "Pincode.remoteClasses",
        cast: "text",
        sql: (row, code) => inRemoteClassSql(`${row}.code`, code),
      },
    },
    key: { sql: (row) => `${row}.code`, kind: "s" },
  },
];
