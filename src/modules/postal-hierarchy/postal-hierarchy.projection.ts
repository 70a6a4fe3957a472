import { columnFields, globalIdSql, type TypeProjection } from "../../lib/projection.js";
import { circleTable } from "./postal-hierarchy.sql.js";

/** Circle as SQL: its name, so that rows of other types can be filtered and ordered by their circle's. */
export const postalHierarchyProjections: readonly TypeProjection[] = [
  {
    type: "Circle",
    fields: {
      ...columnFields(circleTable, ["name"], { name: { filter: true, order: true, group: true } }),
      id: { kind: "value", sql: (row) => globalIdSql("Circle", `${row}.id`) },
    },
    resolverOnly: {
      officeCount: "a count of the circle's offices through the hierarchy loaders",
      pincodeCount: "a count of the circle's PINs through the hierarchy loaders",
      regions: "the circle's regions through their loader (Region has no SQL definitions yet)",
    },
    key: { sql: (row) => `${row}.id`, kind: "n" },
  },
];
