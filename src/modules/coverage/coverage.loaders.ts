import DataLoader from "dataloader";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { valueLoader } from "../../lib/loaders.js";
import { findPinCoverage, findRemoteClassesByPincodes, type PinCoverageRow } from "./coverage.repository.js";
import type { RemoteClass } from "./coverage.type.js";

export interface PinCoverageKey {
  readonly pincode: string;
  readonly asOf: string;
  readonly quarter: string;
}

export function createCoverageLoaders(db: Db) {
  let remoteClasses: Promise<RemoteClass[]> | undefined;
  return {
    remoteClassesByPincode: valueLoader((codes: readonly string[]) => findRemoteClassesByPincodes(db, codes), [] as string[]),
    /** One statement per distinct (day, quarter) asked in a tick, for all the PINs asked with it. */
    pinCoverage: new DataLoader<PinCoverageKey, PinCoverageRow, string>(
      async (keys) => {
        const byShape = new Map<string, PinCoverageKey[]>();
        for (const key of keys) byShape.set(`${key.asOf}|${key.quarter}`, [...(byShape.get(`${key.asOf}|${key.quarter}`) ?? []), key]);
        const found = new Map<string, PinCoverageRow>();
        for (const [shape, group] of byShape) {
          for (const row of await findPinCoverage(db, [...new Set(group.map((k) => k.pincode))], group[0]!.asOf, group[0]!.quarter)) {
            found.set(`${row.pincode}|${shape}`, row);
          }
        }
        return keys.map((k) => found.get(`${k.pincode}|${k.asOf}|${k.quarter}`)!);
      },
      { cacheKeyFn: (k) => `${k.pincode}|${k.asOf}|${k.quarter}` },
    ),
    /** The remote classes with their rules: read once per request. */
    remoteClassList(): Promise<RemoteClass[]> {
      remoteClasses ??= queryRows<RemoteClass>(
        db,
        sql`select c.code, c.name, c.description,
              coalesce(array_agg(r.kind || ':' || r.value order by r.kind, r.value) filter (where r.kind is not null), '{}') as rules
            from remote_class c left join remote_class_rule r on r.class_code = c.code group by c.code order by c.code`,
      );
      return remoteClasses;
    },
  };
}
