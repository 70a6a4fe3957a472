import { withKpiPinDelta } from "../kpi/kpi-pins.repository.js";
import type { Db } from "../../db/client.js";
import { BadUserInputError, ConflictError, type DakgraphError } from "../../lib/errors.js";
import { parseCalendarDate, parsePin } from "../../lib/scalars.js";
import { batchError, problemCollector } from "../../lib/batch-errors.js";
import { findServiceabilityByPincodes, insertServiceability, setServiceabilityEnds } from "./coverage.repository.js";
import type { ServiceabilityChannelValue, ServiceabilityRow } from "./coverage.sql.js";
import { findDeliveryOfficeCounts } from "../pincode/pincode.repository.js";
import { isArmyPostal } from "../pincode/pincode.zone.js";
import { READS_ALL_STORED, type StoredValueReader } from "../access/access.roles.js";

/*
 * Setting serviceability, shared by the setServiceability mutation and `dakgraph import serviceability`.
 *
 * - A period is identified by (PIN, first day). The same period again is unchanged; a new last day or
 *   channel for it is an update; a period overlapping another period of the PIN (stored or earlier in
 *   the batch) is refused with both ranges named.
 * - A civilian PIN must be in the directory and deliverable (not all of its offices non-delivery); a
 *   zone-9 PIN is an Army Postal location and takes the ARMY_POSTAL_SERVICE channel.
 */

export const MAX_SERVICEABILITY_PER_BATCH = 5000;

export interface ServiceabilitySource {
  readonly pincode: unknown;
  readonly channel?: unknown;
  readonly validFrom: unknown;
  readonly validTo?: unknown;
}

interface Period {
  readonly pincode: string;
  readonly channel: ServiceabilityChannelValue;
  readonly validFrom: string;
  readonly validTo: string | null;
}

const show = (p: { validFrom: string; validTo: string | null }) => `${p.validFrom} to ${p.validTo ?? "open-ended"}`;
const overlaps = (a: { validFrom: string; validTo: string | null }, b: { validFrom: string; validTo: string | null }) =>
  a.validFrom <= (b.validTo ?? "9999-12-31") && b.validFrom <= (a.validTo ?? "9999-12-31");

function draftPeriod(source: ServiceabilitySource, prefix: string): Period {
  let pincode: string;
  try {
    pincode = parsePin(typeof source.pincode === "number" ? String(source.pincode) : source.pincode);
  } catch (error) {
    throw new BadUserInputError(`${prefix}.pincode: ${(error as Error).message}`, { field: `${prefix}.pincode`, value: source.pincode });
  }
  const army = pincode.startsWith("9");
  const channel = (source.channel ?? (army ? "ARMY_POSTAL_SERVICE" : "INDIA_POST")) as string;
  if (channel !== "INDIA_POST" && channel !== "ARMY_POSTAL_SERVICE") {
    throw new BadUserInputError(`${prefix}.channel must be INDIA_POST or ARMY_POSTAL_SERVICE; got ${JSON.stringify(source.channel)}.`, {
      field: `${prefix}.channel`,
      value: source.channel,
    });
  }
  if ((channel === "ARMY_POSTAL_SERVICE") !== army) {
    throw new BadUserInputError(
      `${prefix}.channel is ${channel}, but ${pincode} is ${army ? "an Army Postal location (zone 9): ARMY_POSTAL_SERVICE" : "a civilian PIN: INDIA_POST"}.`,
      { field: `${prefix}.channel`, value: channel },
    );
  }
  const validFrom = parseCalendarDate(source.validFrom, `${prefix}.validFrom`);
  const validTo = source.validTo === null || source.validTo === undefined || source.validTo === "" ? null : parseCalendarDate(source.validTo, `${prefix}.validTo`);
  if (validTo !== null && validTo < validFrom) {
    throw new BadUserInputError(`${prefix}.validTo (${validTo}) is before ${prefix}.validFrom (${validFrom}).`, { field: `${prefix}.validTo`, value: validTo });
  }
  return { pincode, channel, validFrom, validTo };
}

export interface ServiceabilityOutcome {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly entries: ServiceabilityRow[];
  readonly problems: readonly { index: number; error: DakgraphError }[];
}

/** Sets serviceability periods; all or nothing unless `skipInvalid` (the importer), which leaves bad entries out. */
export async function setServiceabilityBatch(
  db: Db,
  sources: readonly ServiceabilitySource[],
  prefixOf: (index: number) => string,
  options: { readonly skipInvalid?: boolean; readonly synthetic?: boolean; readonly readable?: StoredValueReader } = {},
): Promise<ServiceabilityOutcome> {
  const { capture, problems } = problemCollector(sources.length);
  const drafts: (Period | null)[] = sources.map(() => null);
  sources.forEach((source, i) => capture(i, () => (drafts[i] = draftPeriod(source, prefixOf(i)))));
  const pins = [...new Set(drafts.filter((d): d is Period => d !== null).map((d) => d.pincode))];
  const directory = new Map(
    (
      await findDeliveryOfficeCounts(db, pins)
    ).map((r) => [r.code.trim(), r.delivery_office_count]),
  );
  const stored = await findServiceabilityByPincodes(db, pins);
  const periodsOf = new Map<string, { validFrom: string; validTo: string | null; id?: number; channel: string; index?: number }[]>();
  for (const row of stored) periodsOf.set(row.pincode, [...(periodsOf.get(row.pincode) ?? []), { ...row }]);

  const creates: { index: number; period: Period }[] = [];
  const updates: { index: number; id: number; period: Period }[] = [];
  const resultIds: (number | { create: number })[] = [];
  drafts.forEach((draft, i) => {
    if (draft === null) return;
    capture(i, () => {
      const prefix = prefixOf(i);
      if (!draft.pincode.startsWith("9")) {
        if (!directory.has(draft.pincode)) {
          throw new BadUserInputError(`${prefix}.pincode ${draft.pincode} is not a PIN of the post-office directory.`, { field: `${prefix}.pincode`, value: draft.pincode });
        }
        if (directory.get(draft.pincode) === 0) {
          throw new BadUserInputError(`${prefix}.pincode ${draft.pincode} has only non-delivery offices: it cannot be serviceable.`, {
            field: `${prefix}.pincode`,
            value: draft.pincode,
          });
        }
      }
      const periods = periodsOf.get(draft.pincode) ?? [];
      const same = periods.find((p) => p.validFrom === draft.validFrom);
      const clash = periods.find((p) => p !== same && overlaps(p, draft));
      if (clash !== undefined) {
        const where = clash.id === undefined ? `entry ${clash.index} of this batch` : "a stored period";
        // An Army Postal location's stored periods are for ARMY_POSTAL viewers only (Serviceability.pincode).
        if (clash.id !== undefined && !(options.readable ?? READS_ALL_STORED)("Serviceability.pincode", isArmyPostal(draft.pincode))) {
          throw new ConflictError(`${prefix}: ${draft.pincode} ${show(draft)} overlaps a stored period (not visible to this viewer); periods of one PIN must not overlap.`, {
            field: `${prefix}.validFrom`,
            value: show(draft),
          });
        }
        throw new ConflictError(
          `${prefix}: ${draft.pincode} ${show(draft)} overlaps ${where}, ${show(clash)}; periods of one PIN must not overlap.`,
          { field: `${prefix}.validFrom`, value: show(draft), stored: show(clash) },
        );
      }
      if (same !== undefined && same.id === undefined) {
        if (same.validTo !== draft.validTo || same.channel !== draft.channel) {
          throw new ConflictError(`${prefix}: ${draft.pincode} from ${draft.validFrom} is given twice in the batch with different content.`, {
            field: `${prefix}.validTo`,
            value: show(draft),
          });
        }
        resultIds.push({ create: same.index! });
        return;
      }
      if (same === undefined) {
        periods.push({ ...draft, index: i });
        periodsOf.set(draft.pincode, periods);
        creates.push({ index: i, period: draft });
        resultIds.push({ create: i });
      } else if (same.validTo !== draft.validTo || same.channel !== draft.channel) {
        if (same.channel !== draft.channel) {
          throw new ConflictError(`${prefix}.channel: ${draft.pincode} from ${draft.validFrom} is stored with channel ${same.channel}.`, {
            field: `${prefix}.channel`,
            value: draft.channel,
          });
        }
        same.validTo = draft.validTo;
        updates.push({ index: i, id: same.id!, period: draft });
        resultIds.push(same.id!);
      } else {
        resultIds.push(same.id!);
      }
    });
  });
  if (problems.length > 0 && !options.skipInvalid) throw batchError([...problems].sort((a, b) => a.index - b.index), sources.length);

  // Serviceable-PIN counts per quarter (kpi_pin_quarter) move with the periods.
  const touchedPins = [...creates.map((c) => c.period.pincode), ...updates.map((u) => u.period.pincode)];
  const [inserted, ends] = await withKpiPinDelta(db, touchedPins, async () => [
    await insertServiceability(
      db,
      creates.map(({ period }) => ({ ...period, synthetic: options.synthetic ?? false })),
    ),
    await setServiceabilityEnds(db, updates.map((u) => ({ id: u.id, validTo: u.period.validTo }))),
  ] as const);
  const createdByIndex = new Map(creates.map((c, k) => [c.index, inserted[k]!]));
  const updatedRows = new Map(ends.map((row) => [row.id, row]));
  const storedById = new Map(stored.map((r) => [r.id, r]));
  const entries = resultIds.map((ref) => (typeof ref === "number" ? (updatedRows.get(ref) ?? storedById.get(ref)!) : createdByIndex.get(ref.create)!));
  return {
    created: creates.length,
    updated: updates.length,
    unchanged: entries.length - creates.length - updates.length,
    entries,
    problems: [...problems].sort((a, b) => a.index - b.index),
  };
}
