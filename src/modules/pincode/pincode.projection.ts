import { columnFields, globalIdSql, type TypeProjection } from "../../lib/projection.js";
import { pincodeTable } from "./pincode.sql.js";

/** Pincode as SQL, for the single-statement executor (src/lib/projection.ts). */
export const pincodeProjections: readonly TypeProjection[] = [
  {
    type: "Pincode",
    fields: {
      ...columnFields(pincodeTable, ["code", "officeCount", "deliveryOfficeCount", "primaryState", "primaryDistrict", "coordinateQuality"]),
      id: { kind: "value", sql: (row) => globalIdSql("Pincode", `${row}.code`) },
    },
  },
];
