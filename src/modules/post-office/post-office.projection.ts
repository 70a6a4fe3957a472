import { columnFields, globalIdSql, type TypeProjection } from "../../lib/projection.js";
import { postOfficeTable } from "./post-office.sql.js";
import { OfficeType } from "./post-office.type.js";

/** PostOffice and Query.postOffices as SQL, for the single-statement executor (src/lib/projection.ts). */
export const postOfficeProjections: readonly TypeProjection[] = [
  {
    type: "Query",
    fields: {
      // The resolvers' postOfficeQuery, as one subquery: the name search (`filter`) is left to them, which pick its page from the sorted matches.
      postOffices: { kind: "page", type: "PostOffice", connectionType: "PostOfficeConnection", table: "post_office", defaultOrder: [{ key: "NAME", descending: false }], decline: ["filter"] },
    },
  },
  {
    type: "PostOffice",
    fields: {
      ...columnFields(postOfficeTable, ["name", "officeType", "delivery", "district", "state", "taluk", "source"], {
        // By code point (collation "C"), as the name-order index sorts it: the same order on every server, whatever its locale.
        name: { filter: true, order: true, raw: (row) => `${row}.name collate "C"` },
        officeType: { filter: true, order: true, group: true, operand: { enum: OfficeType, name: "OfficeType" } },
        delivery: { filter: true, order: true, group: true },
        district: { filter: true, order: true, group: true },
        state: { filter: true, order: true, group: true },
      }),
      id: { kind: "value", sql: (row) => globalIdSql("PostOffice", `${row}.id`) },
      // The office's PIN is a foreign key: the area always exists.
      pincode: {
        kind: "object",
        type: "Pincode",
        source: (row, as) => `pincode ${as} where ${as}.code = ${row}.pincode`,
        uses: { filter: true, order: true, sameAs: { code: (row) => `${row}.pincode` } },
      },
    },
    resolverOnly: {
      circle: "a relation through the postal-hierarchy loaders (Circle has no SQL definitions yet)",
      region: "a relation through the postal-hierarchy loaders (Region has no SQL definitions yet)",
      division: "a relation through the postal-hierarchy loaders (Division has no SQL definitions yet)",
      location: "a GeoPoint object built from the coordinate columns and their quality",
      pickupLocations: "the pickup locations handing over at the office, through their loader",
    },
    key: { sql: (row) => `${row}.id`, kind: "n" },
  },
];
