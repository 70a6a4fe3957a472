import { columnFields, globalIdSql, type TypeProjection } from "../../lib/projection.js";
import { pickupLocationTable } from "./pickup-location.sql.js";

/** PickupLocation and Query.pickupLocations as SQL, for the single-statement executor (src/lib/projection.ts). */
export const pickupLocationProjections: readonly TypeProjection[] = [
  {
    type: "Query",
    fields: {
      // findPickupLocations: open on the day when one is given, by code. Circle-scoped viewers never reach here.
      pickupLocations: {
        kind: "list",
        type: "PickupLocation",
        source: (_row, as, { arg }) => {
          const day = arg("activeOn", "date");
          return `pickup_location ${as} where ${day} is null or (${as}.active_from <= ${day} and (${as}.active_to is null or ${as}.active_to >= ${day}))`;
        },
        order: (as) => `${as}.code`,
      },
    },
  },
  {
    type: "PickupLocation",
    fields: {
      ...columnFields(pickupLocationTable, ["code", "name", "city", "state", "activeFrom", "activeTo", "dailyCapacity", "synthetic"], {
        code: { filter: true, order: true, group: true },
        city: { filter: true, order: true, group: true },
        state: { filter: true, order: true, group: true },
        activeFrom: { filter: true, order: true },
        dailyCapacity: { filter: true, order: true },
      }),
      id: { kind: "value", sql: (row) => globalIdSql("PickupLocation", `${row}.id`) },
      postOffice: { kind: "object", type: "PostOffice", source: (row, as) => `post_office ${as} where ${as}.id = ${row}.post_office_id` },
    },
    key: { sql: (row) => `${row}.id`, kind: "n" },
  },
];
