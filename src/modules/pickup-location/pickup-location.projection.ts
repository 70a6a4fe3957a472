import { columnFields, DECLINE, globalIdSql, renamedColumnFields, type TypeProjection } from "../../lib/projection.js";
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
          // The deprecated activeOn is left to the resolvers, which refuse it beside asOf.
          const day = `coalesce(${arg("asOf", "date")}, ${arg("activeOn", "date", (value) => (value === null || value === undefined ? null : DECLINE))})`;
          // A filter or an order is left to the resolvers (findPickupLocations): a few dozen rows.
          for (const name of ["where", "orderBy"]) arg(name, "text", (value) => (value === null || value === undefined ? null : DECLINE));
          return `pickup_location ${as} where ${day} is null or (${as}.active_from <= ${day} and (${as}.active_to is null or ${as}.active_to >= ${day}))`;
        },
        order: (as) => `${as}.code`,
      },
    },
  },
  {
    type: "PickupLocation",
    fields: {
      ...columnFields(pickupLocationTable, ["code", "name", "city", "state", "dailyCapacity", "synthetic"], {
        code: { filter: true, order: true, group: true },
        city: { filter: true, order: true, group: true },
        state: { filter: true, order: true, group: true },
        dailyCapacity: { filter: true, order: true },
      }),
      // The schema's validFrom/validTo are the active_from/active_to columns; activeFrom/activeTo, deprecated, read them too.
      ...renamedColumnFields(pickupLocationTable, { validFrom: "activeFrom", validTo: "activeTo", activeFrom: "activeFrom", activeTo: "activeTo" }, {
        validFrom: { filter: true, order: true },
        validTo: { filter: true, order: true },
      }),
      id: { kind: "value", sql: (row) => globalIdSql("PickupLocation", `${row}.id`) },
      postOffice: { kind: "object", type: "PostOffice", source: (row, as) => `post_office ${as} where ${as}.id = ${row}.post_office_id` },
    },
    key: { sql: (row) => `${row}.id`, kind: "n" },
  },
];
