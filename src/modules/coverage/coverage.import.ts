import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
import type { Database } from "../../db/client.js";
import { findDakgraphError } from "../../lib/errors.js";
import { setServiceabilityBatch, type ServiceabilitySource } from "./coverage.ingest.js";

/*
 * `dakgraph import serviceability --csv FILE`: columns PIN (or pincode), from (or valid_from), to (or
 * valid_to, blank = open-ended) and channel (optional), headers matched case-insensitively. Same rules as
 * setServiceability; bad rows are reported with their line and reason, the rest load, in one transaction.
 */

export class ServiceabilityImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServiceabilityImportError";
  }
}

export interface ServiceabilityImportReport {
  readonly file: string;
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejects: readonly { line: number; reason: string }[];
}

const COLUMNS: Record<string, keyof ServiceabilitySource> = {
  pin: "pincode",
  pincode: "pincode",
  from: "validFrom",
  validfrom: "validFrom",
  to: "validTo",
  validto: "validTo",
  channel: "channel",
};

export async function importServiceabilityCsv(database: Database, filePath: string): Promise<ServiceabilityImportReport> {
  if (!fs.existsSync(filePath) || !fs.statSync(filePath).isFile()) throw new ServiceabilityImportError(`Cannot read ${filePath}: no such file.`);
  const rows: { line: number; source: ServiceabilitySource }[] = [];
  let header: (keyof ServiceabilitySource | undefined)[] | null = null;
  try {
    const parser = fs.createReadStream(filePath).pipe(parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: true, trim: true }));
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (header === null) {
        header = record.map((h) => COLUMNS[h.toLowerCase().replace(/[^a-z]/g, "")]);
        for (const needed of ["pincode", "validFrom"] as const) {
          if (!header.includes(needed)) throw new ServiceabilityImportError(`${path.basename(filePath)}: the header lacks a ${needed === "pincode" ? "PIN" : "from"} column.`);
        }
        continue;
      }
      const source: Record<string, unknown> = {};
      header.forEach((name, i) => {
        if (name !== undefined) source[name] = record[i] === "" ? null : record[i];
      });
      if (typeof source.channel === "string") source.channel = source.channel.toUpperCase();
      rows.push({ line: info.lines, source: source as unknown as ServiceabilitySource });
    }
  } catch (error) {
    if (error instanceof ServiceabilityImportError) throw error;
    throw new ServiceabilityImportError(`${path.basename(filePath)} is not readable CSV: ${(error as Error).message}`);
  }
  const outcome = await database.transaction(({ db }) =>
    setServiceabilityBatch(
      db,
      rows.map((r) => r.source),
      (i) => `line ${rows[i]!.line}`,
      { skipInvalid: true },
    ),
  );
  return {
    file: path.basename(filePath),
    rows: rows.length,
    created: outcome.created,
    updated: outcome.updated,
    unchanged: outcome.unchanged,
    rejects: outcome.problems.map(({ index, error }) => ({
      line: rows[index]!.line,
      reason: `${(findDakgraphError(error) ?? error).message} [${String(error.extensions.code)}]`,
    })),
  };
}
