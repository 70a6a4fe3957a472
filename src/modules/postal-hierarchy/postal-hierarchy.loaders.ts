import type { Db } from "../../db/client.js";
import { groupLoader, rowLoader, valueLoader } from "../../lib/loaders.js";
import {
  countOfficesByUnit,
  countPincodesByPrimaryCircle,
  findCirclesByIds,
  findDivisionsByIds,
  findDivisionsByRegionIds,
  findRegionsByCircleIds,
  findRegionsByIds,
} from "./postal-hierarchy.repository.js";

export function createPostalHierarchyLoaders(db: Db) {
  return {
    circleById: rowLoader((ids: readonly number[]) => findCirclesByIds(db, ids), (c) => c.id),
    regionById: rowLoader((ids: readonly number[]) => findRegionsByIds(db, ids), (r) => r.id),
    divisionById: rowLoader((ids: readonly number[]) => findDivisionsByIds(db, ids), (d) => d.id),
    regionsByCircleId: groupLoader((ids: readonly number[]) => findRegionsByCircleIds(db, ids), (r) => r.circleId),
    divisionsByRegionId: groupLoader((ids: readonly number[]) => findDivisionsByRegionIds(db, ids), (d) => d.regionId),
    officeCountByCircleId: valueLoader((ids: readonly number[]) => countOfficesByUnit(db, "circle_id", ids), 0),
    officeCountByRegionId: valueLoader((ids: readonly number[]) => countOfficesByUnit(db, "region_id", ids), 0),
    pincodeCountByCircleId: valueLoader((ids: readonly number[]) => countPincodesByPrimaryCircle(db, ids), 0),
    officeCountByDivisionId: valueLoader((ids: readonly number[]) => countOfficesByUnit(db, "division_id", ids), 0),
  };
}
