/** The mean Earth radius (IUGG), in km: distances here treat the Earth as a sphere of it. */
export const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km between two points (haversine, on a sphere of the mean Earth radius). */
export function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  // min(1, …) guards asin against rounding just above 1 for antipodal points.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
