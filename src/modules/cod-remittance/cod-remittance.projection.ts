import { columnFields, globalIdSql, type TypeProjection } from "../../lib/projection.js";
import { codRemittanceTable } from "./cod-remittance.sql.js";

/** CodRemittance as SQL: its columns, and what its batches may be filtered and ordered by. */
export const codRemittanceProjections: readonly TypeProjection[] = [
  {
    type: "CodRemittance",
    fields: {
      ...columnFields(codRemittanceTable, ["reference", "remittedOn", "shipmentCount", "synthetic"], {
        reference: { filter: true, order: true },
        remittedOn: { filter: true, order: true, group: true },
        shipmentCount: { filter: true, order: true },
        synthetic: { filter: true },
      }),
      id: { kind: "value", sql: (row) => globalIdSql("CodRemittance", `${row}.id`) },
    },
    resolverOnly: {
      amount: "a Money object, formatted by Intl (lib/money.ts); its column is amount_paise",
      shipments: "the batch's shipments through their loader",
    },
    compared: {
      amount: { filter: true, order: true, operand: "Money", raw: (row) => `${row}.amount_paise`, cast: "int8" },
    },
    key: { sql: (row) => `${row}.id`, kind: "n" },
  },
];
