import { columnFields, globalIdSql, type TypeProjection } from "../../lib/projection.js";
import { postOfficeTable } from "./post-office.sql.js";

/** PostOffice as SQL, for the single-statement executor (src/lib/projection.ts). */
export const postOfficeProjections: readonly TypeProjection[] = [
  {
    type: "PostOffice",
    fields: {
      ...columnFields(postOfficeTable, ["name", "officeType", "delivery", "district", "state", "taluk", "source"]),
      id: { kind: "value", sql: (row) => globalIdSql("PostOffice", `${row}.id`) },
      // The office's PIN is a foreign key: the area always exists.
      pincode: { kind: "object", type: "Pincode", source: (row, as) => `pincode ${as} where ${as}.code = ${row}.pincode` },
    },
  },
];
