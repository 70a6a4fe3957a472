/** Which way an order key sorts: every `orderBy` of the graph takes it (registered in src/lib/query-inputs.ts). */
export enum OrderDirection {
  ASC = "ASC",
  DESC = "DESC",
}
