import { addDays } from "../../lib/days.js";
import type { Db } from "../../db/client.js";
import { BadUserInputError } from "../../lib/errors.js";
import { withKpiDelta } from "../kpi/kpi-rollup.repository.js";
import { fieldError, problemCollector } from "../../lib/batch-errors.js";
import { findSchedulesBookedBetween, updatePromisedDates } from "../shipment/shipment.repository.js";
import { deletePublicHolidays, findPublicHolidayList, findPublicHolidays, upsertPublicHolidays } from "./service-norm.repository.js";
import { promisedDateOf } from "./service-norm.rules.js";
import type { PublicHolidayRow } from "./service-norm.sql.js";

/*
 * Setting the public-holiday list. Due dates skip holidays, so a change re-computes the promised day of
 * every shipment whose service window could span a changed day, and moves the on-time KPI with it (in the
 * same transaction, through the KPI delta).
 */

/** Most holidays one call takes: a decade of national holidays. */
export const MAX_HOLIDAYS_PER_CALL = 500;

/**
 * How far before a holiday a booking can be and still have it inside its service window: the longest norm
 * (30 working days, service_norm's check) plus a branch day, stretched by Sundays and holidays.
 */
const WINDOW_DAYS = 50;

export interface HolidaySource {
  readonly date: string;
  readonly name: string;
}

export interface HolidayOutcome {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly removed: number;
  /** Shipments whose promised day moved. */
  readonly shipmentsRescheduled: number;
  readonly holidays: PublicHolidayRow[];
}


export async function setPublicHolidays(db: Db, add: readonly HolidaySource[], remove: readonly string[]): Promise<HolidayOutcome> {
  const problems = problemCollector(add.length + remove.length);
  const seen = new Map<string, number>();
  add.forEach((h, i) => {
    problems.capture(i, () => {
      const name = h.name.trim();
      if (name.length < 1 || name.length > 200) throw fieldError(`input.add[${i}].name`, h.name, "must be 1 to 200 characters");
      const first = seen.get(h.date);
      if (first !== undefined) throw fieldError(`input.add[${i}].date`, h.date, `repeats input.add[${first}].date`);
      seen.set(h.date, i);
    });
  });
  remove.forEach((day, i) => {
    if (seen.has(day)) {
      problems.capture(add.length + i, () => {
        throw fieldError(`input.remove[${i}]`, day, `is also in input.add[${seen.get(day)}]: add or remove a day, not both`);
      });
    }
  });
  problems.throwIfAny();

  const stored = new Map((await findPublicHolidayList(db)).map((r) => [r.day, r.name]));
  const creates = add.filter((h) => !stored.has(h.date));
  const renames = add.filter((h) => stored.has(h.date) && stored.get(h.date) !== h.name.trim());
  const removals = remove.filter((day) => stored.has(day));
  if (creates.length + renames.length > 0) {
    await upsertPublicHolidays(db, [...creates, ...renames].map((h) => ({ day: h.date, name: h.name.trim() })));
  }
  if (removals.length > 0) {
    await deletePublicHolidays(db, removals);
  }
  const movedDays = [...creates.map((h) => h.date), ...removals].sort();
  const shipmentsRescheduled = movedDays.length === 0 ? 0 : await rescheduleShipments(db, movedDays[0]!, movedDays.at(-1)!);
  const holidays = await findPublicHolidayList(db);
  return {
    created: creates.length,
    updated: renames.length,
    unchanged: add.length - creates.length - renames.length + (remove.length - removals.length),
    removed: removals.length,
    shipmentsRescheduled,
    holidays: holidays.map((h) => ({ day: h.day, name: h.name })),
  };
}

/** Re-computes the promised day of shipments booked in the window before the changed days; returns how many moved. */
async function rescheduleShipments(db: Db, firstDay: string, lastDay: string): Promise<number> {
  const holidays = await findPublicHolidays(db);
  const rows = await findSchedulesBookedBetween(db, addDays(firstDay, -WINDOW_DAYS), lastDay);
  const moves = rows
    .map((r) => ({ id: Number(r.id), promised: promisedDateOf(r.booking_date, r.service_norm_days, r.branch, holidays), stored: r.promised_date }))
    .filter((m) => m.promised !== m.stored);
  for (let start = 0; start < moves.length; start += 10_000) {
    const chunk = moves.slice(start, start + 10_000);
    await withKpiDelta(
      db,
      chunk.map((m) => m.id),
      () => updatePromisedDates(db, chunk.map((m) => ({ id: m.id, promisedDate: m.promised }))),
    );
  }
  return moves.length;
}

export function requireHolidayCount(add: number, remove: number): void {
  if (add + remove < 1 || add + remove > MAX_HOLIDAYS_PER_CALL) {
    throw new BadUserInputError(`input.add and input.remove together must hold 1 to ${MAX_HOLIDAYS_PER_CALL} days; got ${add + remove}.`, {
      field: "input",
      value: add + remove,
      max: MAX_HOLIDAYS_PER_CALL,
    });
  }
}
