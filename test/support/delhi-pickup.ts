import { expect } from "vitest";
import { SearchPostOfficesDocument, SetCodRemittanceCycleDocument, SetServiceabilityDocument, UpsertPickupLocationDocument } from "../../src/generated/operations.js";
import type { Database } from "../../src/db/client.js";
import { importPostOfficeCsv } from "../../src/modules/post-office/post-office.import.js";
import { root, type TestGraph } from "./graph.js";

export const DIRECTORY_FIXTURE = new URL("../fixtures/post-offices-current.csv", import.meta.url).pathname;

/**
 * The KPI fixtures' common ground: the fixture directory; pickup location DEL-GPO at the New Delhi GPO
 * (110001), open since 2021 with `dailyCapacity`; 110001 serviceable from 1 Jul 2024; a 7-day COD
 * remittance cycle from 1 Apr 2024.
 */
export async function setUpDelhiPickup(database: Database, graph: TestGraph, dailyCapacity: number): Promise<void> {
  await importPostOfficeCsv(database, DIRECTORY_FIXTURE, {});
  const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "110001" } });
  const gpo = root(offices, "postOffices").nodes[0]!.id;
  const steps = [
    await graph.execute(UpsertPickupLocationDocument, {
      input: { code: "DEL-GPO", name: "Delhi GPO pickup", postOfficeId: gpo, city: "New Delhi", activeFrom: "2021-01-01", dailyCapacity },
    }),
    await graph.execute(SetServiceabilityDocument, { input: { entries: [{ pincode: "110001", validFrom: "2024-07-01" }] } }),
    await graph.execute(SetCodRemittanceCycleDocument, { input: { validFrom: "2024-04-01", days: 7 } }),
  ];
  for (const step of steps) expect(step.errors).toBeUndefined();
}
