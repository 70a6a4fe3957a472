import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
import type { Database } from "../../db/client.js";
import { type Progress, progressBar } from "../../lib/progress.js";
import type { CoordinateQualityValue } from "../pincode/pincode.sql.js";
import { ensurePincodes, refreshPincodes } from "../pincode/pincode.repository.js";
import { ensureUnits, type UnitIds, type UnitNames, unitKey } from "../postal-hierarchy/postal-hierarchy.repository.js";
import {
  canonicalCircle,
  checkCoordinates,
  cleanUnitName,
  displayOfficeName,
  normaliseOfficeName,
  officeState,
  officeTypeFromCode,
  officeTypeFromName,
  parseCoordinate,
  parseDeliveryStatus,
  tidyPlaceName,
} from "./post-office.normalise.js";
import { type PostOfficeUpsert, recordDirectoryImport, upsertPostOffices } from "./post-office.repository.js";
import type { OfficeTypeValue } from "./post-office.sql.js";

/**
 * Imports DoP's "All India Pincode Directory" CSV from data.gov.in
 * (docs/DOMAIN-NOTES.md), in its current or its legacy layout, as idempotent
 * upserts on the office's natural key (PIN, normalised name). The file is
 * streamed, never held whole; the whole import runs in one transaction.
 */

export type CsvLayoutName = "current" | "legacy";

type Field =
  | "circle"
  | "region"
  | "division"
  | "office"
  | "pincode"
  | "officeType"
  | "delivery"
  | "district"
  | "state"
  | "taluk"
  | "latitude"
  | "longitude";

interface LayoutSpec {
  /** Field → the column name as data.gov.in spells it. */
  readonly required: Readonly<Partial<Record<Field, string>>>;
  readonly optional: Readonly<Partial<Record<Field, string>>>;
}

const LAYOUTS: Readonly<Record<CsvLayoutName, LayoutSpec>> = {
  current: {
    required: {
      circle: "circlename",
      region: "regionname",
      division: "divisionname",
      office: "officename",
      pincode: "pincode",
      officeType: "officetype",
      delivery: "delivery",
      district: "district",
      state: "statename",
      latitude: "latitude",
      longitude: "longitude",
    },
    optional: {},
  },
  legacy: {
    required: {
      office: "officename",
      pincode: "pincode",
      officeType: "officeType",
      delivery: "Deliverystatus",
      division: "divisionname",
      region: "regionname",
      circle: "circlename",
      taluk: "Taluk",
      district: "Districtname",
      state: "statename",
    },
    // Telephone, Related Suboffice and Related Headoffice may be present too; nothing here uses them.
    optional: { longitude: "longitude", latitude: "latitude" },
  },
};

export interface CsvColumn {
  readonly index: number;
  /** The header cell as the file writes it (trimmed), used to name the column in reject reasons. */
  readonly label: string;
}

export interface CsvLayout {
  readonly name: CsvLayoutName;
  /** Cells in the header: every row must have as many. */
  readonly width: number;
  readonly columns: Readonly<Partial<Record<Field, CsvColumn>>>;
}

/** A fatal problem with the file as a whole (unreadable, bad header, broken CSV): nothing is imported. */
export class PostOfficeImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PostOfficeImportError";
  }
}

function headerKey(cell: string): string {
  return cell
    .replace(/^\uFEFF/, "")
    .trim()
    .replace(/\s+/g, " ")
    .toLowerCase();
}

function missingColumns(spec: LayoutSpec, present: ReadonlyMap<string, number>): string[] {
  return Object.values(spec.required).filter((name) => !present.has(name.toLowerCase()));
}

/**
 * Which of the two data.gov.in layouts a header row is, matching column names
 * case-insensitively after trimming (and dropping a BOM). Throws a
 * PostOfficeImportError naming the columns each layout misses when it is neither.
 */
export function detectLayout(header: readonly string[]): CsvLayout {
  const present = new Map<string, number>();
  header.forEach((cell, index) => {
    const key = headerKey(cell);
    if (key !== "" && !present.has(key)) present.set(key, index);
  });
  const missing = { current: missingColumns(LAYOUTS.current, present), legacy: missingColumns(LAYOUTS.legacy, present) };
  const name: CsvLayoutName | null = missing.current.length === 0 ? "current" : missing.legacy.length === 0 ? "legacy" : null;
  if (name === null) {
    throw new PostOfficeImportError(
      "The header fits neither data.gov.in layout of the All India Pincode Directory: " +
        `the current layout is missing ${missing.current.join(", ")}; ` +
        `the legacy layout is missing ${missing.legacy.join(", ")}.`,
    );
  }
  const spec = LAYOUTS[name];
  const columns: Partial<Record<Field, CsvColumn>> = {};
  for (const [field, columnName] of Object.entries({ ...spec.optional, ...spec.required }) as [Field, string][]) {
    const index = present.get(columnName.toLowerCase());
    if (index !== undefined) columns[field] = { index, label: header[index]!.replace(/^\uFEFF/, "").trim() };
  }
  return { name, width: header.length, columns };
}

/** One valid row, normalised: what the import writes for an office. */
export interface ImportedOffice {
  readonly pincode: string;
  readonly name: string;
  readonly nameKey: string;
  readonly officeType: OfficeTypeValue | null;
  readonly delivery: boolean | null;
  /** Null when the row names no circle: the office keeps the units it has. */
  readonly unit: UnitNames | null;
  readonly district: string | null;
  readonly state: string | null;
  readonly taluk: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  /** Null when the layout has no coordinate columns; MISSING when it has them but they are blank or NA. */
  readonly coordinateQuality: CoordinateQualityValue | null;
}

export type RowResult = { readonly ok: true; readonly office: ImportedOffice } | { readonly ok: false; readonly reason: string };

const PIN = /^[1-9][0-9]{5}$/;

function isBlank(value: string): boolean {
  return value === "" || /^n\/?a$/i.test(value);
}

/**
 * Validates and normalises one data row (the cells as parsed). Every problem
 * of the row is reported, each naming its column; a row with any problem is
 * rejected whole.
 */
export function validateRow(record: readonly string[], layout: CsvLayout): RowResult {
  if (record.length !== layout.width) {
    return { ok: false, reason: `has ${record.length} columns, the header has ${layout.width}` };
  }
  const { columns } = layout;
  const raw = (field: Field): string | undefined => {
    const column = columns[field];
    return column === undefined ? undefined : record[column.index]!.trim();
  };
  const known = (field: Field): string | null => {
    const value = raw(field);
    return value === undefined || isBlank(value) ? null : value;
  };
  const label = (field: Field): string => columns[field]!.label;
  const problems: string[] = [];

  const pincode = raw("pincode")!;
  if (!PIN.test(pincode))
    problems.push(`${label("pincode")} ${JSON.stringify(pincode)} is not a PIN (six digits, the first not 0)`);

  const officeName = raw("office")!;
  const nameKey = normaliseOfficeName(officeName);
  if (officeName === "") problems.push(`${label("office")} is empty`);
  else if (nameKey === "") problems.push(`${label("office")} ${JSON.stringify(officeName)} has no letters or digits`);

  let officeType: OfficeTypeValue | null = null;
  const typeCode = known("officeType");
  if (typeCode === null) {
    officeType = officeTypeFromName(officeName);
  } else {
    officeType = officeTypeFromCode(typeCode);
    if (officeType === null) {
      problems.push(`${label("officeType")} ${JSON.stringify(typeCode)} is not an office type (HO, PO, BO or H.O, S.O, B.O)`);
    }
  }

  const delivery = parseDeliveryStatus(raw("delivery"));
  if (delivery === "invalid") {
    problems.push(`${label("delivery")} ${JSON.stringify(raw("delivery"))} is neither Delivery nor Non Delivery`);
  }

  const latitude = parseCoordinate(raw("latitude"));
  if (latitude === "invalid") problems.push(`${label("latitude")} ${JSON.stringify(raw("latitude"))} is not a number`);
  const longitude = parseCoordinate(raw("longitude"));
  if (longitude === "invalid") problems.push(`${label("longitude")} ${JSON.stringify(raw("longitude"))} is not a number`);

  // The "invalid" tests only narrow the types: each of them has pushed a problem already.
  if (problems.length > 0 || delivery === "invalid" || latitude === "invalid" || longitude === "invalid") {
    return { ok: false, reason: problems.join("; ") };
  }

  const district = tidyPlaceName(raw("district"));
  const state = officeState(raw("state"), district);
  const circle = known("circle");
  const region = known("region");
  const division = known("division");
  const hasCoordinates = columns.latitude !== undefined && columns.longitude !== undefined;
  const checked = hasCoordinates ? checkCoordinates(latitude, longitude) : null;
  return {
    ok: true,
    office: {
      pincode,
      name: displayOfficeName(officeName),
      nameKey,
      officeType,
      delivery,
      unit:
        circle === null
          ? null
          : {
              circle: canonicalCircle(circle, state),
              region: region === null ? null : cleanUnitName(region, "Region") || null,
              division: region === null || division === null ? null : cleanUnitName(division, "Division") || null,
            },
      district,
      state,
      taluk: tidyPlaceName(raw("taluk")),
      latitude: checked?.latitude ?? null,
      longitude: checked?.longitude ?? null,
      coordinateQuality: checked?.quality ?? null,
    },
  };
}

export interface ImportReject {
  /** 1-based line of the file where the row starts (the header is line 1). */
  readonly line: number;
  readonly reason: string;
}

export interface PostOfficeImportReport {
  /** The file's base name, recorded as the import's origin. */
  readonly origin: string;
  readonly layout: CsvLayoutName;
  /** Data rows read (the header and blank lines not counted). */
  readonly rowsRead: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: number;
  readonly rejects: readonly ImportReject[];
  readonly milliseconds: number;
}

interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly lines: number; readonly bytes: number };
  readonly raw: string;
}

/** The line a record starts on: csv-parse counts to its last line, and its raw text carries skipped blank lines before it. */
function startLine(parsed: ParsedRecord): number {
  const body = parsed.raw.replace(/(?:\r\n|\n|\r)$/, "").replace(/^[\r\n]+/, "");
  const inner = body.match(/\r\n|\n|\r/g)?.length ?? 0;
  return parsed.info.lines - inner;
}

const BATCH = 1_000;

async function fileSize(filePath: string): Promise<number> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new PostOfficeImportError(`Cannot read ${filePath}: ${why}.`);
  }
  if (!stat.isFile()) throw new PostOfficeImportError(`Cannot read ${filePath}: not a file.`);
  return stat.size;
}

/**
 * Imports a data.gov.in post-office CSV. Valid rows are upserted on (PIN,
 * normalised name); a blank or NA cell leaves the stored value alone; invalid
 * rows are rejected with their line and reason and do not stop the import.
 * Throws PostOfficeImportError, writing nothing, when the file cannot be read
 * or its header fits neither layout.
 */
export async function importPostOfficeCsv(
  database: Database,
  filePath: string,
  options: { progress?: Progress } = {},
): Promise<PostOfficeImportReport> {
  const started = performance.now();
  const progress = options.progress ?? progressBar(false);
  const origin = path.basename(filePath);
  const size = await fileSize(filePath);

  const input = fs.createReadStream(filePath);
  const parser = parse({
    bom: true,
    info: true,
    raw: true,
    // Both are checked per row here, so that a bad row is a reject and not the end of the import.
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
  });
  input.on("error", (error) => parser.destroy(new PostOfficeImportError(`Cannot read ${filePath}: ${error.message}`)));
  input.pipe(parser);
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<ParsedRecord>;

  let bytesSeen = 0;
  const advance = (parsed: ParsedRecord): void => {
    progress.increment(parsed.info.bytes - bytesSeen);
    bytesSeen = parsed.info.bytes;
  };
  const next = async (): Promise<IteratorResult<ParsedRecord>> => {
    try {
      return await records.next();
    } catch (error) {
      if (error instanceof PostOfficeImportError) throw error;
      throw new PostOfficeImportError(`${origin} is not readable CSV: ${(error as Error).message}`);
    }
  };

  try {
    const first = await next();
    if (first.done === true) throw new PostOfficeImportError(`${origin} is empty: it has no header row.`);
    let layout: CsvLayout;
    try {
      layout = detectLayout(first.value.record);
    } catch (error) {
      throw new PostOfficeImportError(`${origin}: ${(error as Error).message}`);
    }
    progress.phase("Reading post offices", size);
    advance(first.value);

    const counts = await database.transaction(async (session) => {
      const unitIds = new Map<string, UnitIds>();
      const knownPins = new Set<string>();
      const firstLine = new Map<string, number>();
      const changedPins = new Set<string>();
      const rejects: ImportReject[] = [];
      let rowsRead = 0;
      let inserted = 0;
      let updated = 0;
      let unchanged = 0;
      let batch: ImportedOffice[] = [];

      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const newUnits = new Map<string, UnitNames>();
        for (const office of batch) {
          if (office.unit !== null && !unitIds.has(unitKey(office.unit))) newUnits.set(unitKey(office.unit), office.unit);
        }
        if (newUnits.size > 0) {
          for (const [key, ids] of await ensureUnits(session.db, [...newUnits.values()])) unitIds.set(key, ids);
        }
        const newPins = [...new Set(batch.map((office) => office.pincode))].filter((pin) => !knownPins.has(pin));
        await ensurePincodes(session.db, newPins);
        for (const pin of newPins) knownPins.add(pin);

        const rows: PostOfficeUpsert[] = batch.map((office) => {
          const ids = office.unit === null ? null : unitIds.get(unitKey(office.unit))!;
          return {
            pincode: office.pincode,
            name: office.name,
            nameKey: office.nameKey,
            officeType: office.officeType,
            delivery: office.delivery,
            circleId: ids?.circleId ?? null,
            regionId: ids?.regionId ?? null,
            divisionId: ids?.divisionId ?? null,
            district: office.district,
            state: office.state,
            taluk: office.taluk,
            latitude: office.latitude,
            longitude: office.longitude,
            coordinateQuality: office.coordinateQuality,
          };
        });
        const changed = await upsertPostOffices(session.db, rows);
        for (const row of changed) {
          if (row.inserted) inserted += 1;
          else updated += 1;
          changedPins.add(row.pincode);
        }
        unchanged += batch.length - changed.length;
        batch = [];
      };

      for (let result = await next(); result.done !== true; result = await next()) {
        const parsed = result.value;
        advance(parsed);
        rowsRead += 1;
        const line = startLine(parsed);
        const checked = validateRow(parsed.record, layout);
        if (!checked.ok) {
          rejects.push({ line, reason: checked.reason });
          continue;
        }
        const key = `${checked.office.pincode}|${checked.office.nameKey}`;
        const earlier = firstLine.get(key);
        if (earlier !== undefined) {
          rejects.push({ line, reason: `duplicate of line ${earlier} (same pincode and office name)` });
          continue;
        }
        firstLine.set(key, line);
        batch.push(checked.office);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      progress.increment(Math.max(0, size - bytesSeen));

      if (changedPins.size > 0) {
        progress.phase("Deriving PIN areas", 1);
        await refreshPincodes(session.db, [...changedPins].sort());
        progress.increment();
      }
      await recordDirectoryImport(session.db, {
        source: "DATA_GOV_IN_CSV",
        origin,
        rowsRead,
        inserted,
        updated,
        unchanged,
        rejected: rejects.length,
      });
      return { rowsRead, inserted, updated, unchanged, rejects };
    });

    return {
      origin,
      layout: layout.name,
      rowsRead: counts.rowsRead,
      inserted: counts.inserted,
      updated: counts.updated,
      unchanged: counts.unchanged,
      rejected: counts.rejects.length,
      rejects: counts.rejects,
      milliseconds: Math.round(performance.now() - started),
    };
  } finally {
    progress.stop();
    input.destroy();
    parser.destroy();
  }
}

/** The one-line summary printed after an import. */
export function describeImport(report: PostOfficeImportReport): string {
  const n = (value: number) => value.toLocaleString("en-IN");
  return (
    `Imported ${report.origin} (${report.layout} layout): ${n(report.rowsRead)} rows read, ${n(report.inserted)} inserted, ` +
    `${n(report.updated)} updated, ${n(report.unchanged)} unchanged, ${n(report.rejected)} rejected; ` +
    `${(report.milliseconds / 1000).toFixed(1)} s.`
  );
}

/** The rejects, one line each, for printing under the summary. */
export function describeRejects(report: PostOfficeImportReport): string[] {
  return report.rejects.map((reject) => `  line ${reject.line}: ${reject.reason}`);
}
