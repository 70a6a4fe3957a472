/**
 * Pure rules of the dashboard's coverage map, free of Node APIs so the browser bundle can import them: a PIN's
 * colour class and the equirectangular projection of India's box onto the canvas.
 */

import { fiscalQuarter, quarterEndDate } from "./fiscal-quarter.js";

/** India's box, as Pincode.coordinateQuality checks it: latitude 6–37.5°N, longitude 68–97.5°E. */
export const INDIA_BOX = { south: 6, north: 37.5, west: 68, east: 97.5 } as const;

/**
 * Width over height of the map: an equirectangular projection whose x is scaled by the cosine of the box's middle
 * latitude (21.75°), so that a degree of longitude is as long as it is near the middle of India.
 */
export const MAP_ASPECT =
  ((INDIA_BOX.east - INDIA_BOX.west) * Math.cos((((INDIA_BOX.north + INDIA_BOX.south) / 2) * Math.PI) / 180)) / (INDIA_BOX.north - INDIA_BOX.south);

/**
 * A PIN's class on the map. ACTIVE: had a delivery in the quarter (PinCoverage.activeInQuarter); SERVED: serviceable
 * on the quarter's last day (PinCoverage.serviceable) without a delivery in it; NOT_SERVED: neither. HIDDEN: the graph
 * gives this viewer no coverage for the PIN (outside a circle-scoped key's circle).
 */
export type PinClass = "ACTIVE" | "SERVED" | "NOT_SERVED" | "HIDDEN";

export function pinClass(coverage: { serviceable: boolean; activeInQuarter: boolean } | null): PinClass {
  if (coverage === null) return "HIDDEN";
  if (coverage.activeInQuarter) return "ACTIVE";
  return coverage.serviceable ? "SERVED" : "NOT_SERVED";
}

/** A latitude/longitude box, in degrees. */
export interface GeoBox {
  south: number;
  north: number;
  west: number;
  east: number;
}

/** Pixel position of a point on a width × height canvas showing `box` (north up, west left; default India's). */
export function project(latitude: number, longitude: number, width: number, height: number, box: GeoBox = INDIA_BOX): { x: number; y: number } {
  return {
    x: ((longitude - box.west) / (box.east - box.west)) * width,
    y: ((box.north - latitude) / (box.north - box.south)) * height,
  };
}

/**
 * The box the map shows for some points (one circle's): their extent with a 5% margin, grown about its centre to
 * INDIA_BOX's shape so the canvas keeps one scale for both axes, and never larger than INDIA_BOX on either axis
 * unless the points need it. No points: INDIA_BOX.
 */
export function fitBox(points: readonly { latitude: number; longitude: number }[]): GeoBox {
  if (points.length === 0) return INDIA_BOX;
  let { south, north, west, east } = { south: Infinity, north: -Infinity, west: Infinity, east: -Infinity };
  for (const p of points) {
    south = Math.min(south, p.latitude);
    north = Math.max(north, p.latitude);
    west = Math.min(west, p.longitude);
    east = Math.max(east, p.longitude);
  }
  const shape = (INDIA_BOX.east - INDIA_BOX.west) / (INDIA_BOX.north - INDIA_BOX.south); // degrees wide per degree high
  // At least half a degree high, so one PIN or a city's cluster is not blown up to the whole canvas.
  let height = Math.max((north - south) * 1.1, ((east - west) * 1.1) / shape, 0.5);
  height = Math.min(height, Math.max(INDIA_BOX.north - INDIA_BOX.south, north - south));
  const width = height * shape;
  const middle = { latitude: (south + north) / 2, longitude: (west + east) / 2 };
  return { south: middle.latitude - height / 2, north: middle.latitude + height / 2, west: middle.longitude - width / 2, east: middle.longitude + width / 2 };
}

/**
 * The last IST day of a fiscal quarter ("FY2026-27-Q2" → "2026-09-30"): the day the map reads serviceability on.
 */
export function fiscalQuarterLastDay(quarter: string): string {
  const match = /^FY(\d{4})-\d{2}-Q([1-4])$/.exec(quarter);
  if (match === null) throw new Error(`Not a fiscal quarter: ${quarter}`);
  return quarterEndDate(fiscalQuarter(Number(match[1]), Number(match[2])));
}
