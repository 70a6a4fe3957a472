/*
 * Arithmetic on calendar days written YYYY-MM-DD (IST days, as the graph's Date scalar carries them),
 * through UTC midnights so no time zone or daylight rule can shift them.
 */

/** Milliseconds in a day: IST has no daylight saving, so every IST day is this long too. */
export const DAY_MS = 86_400_000;

/** The day `n` days after `day` (before, for a negative n). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Days since 1970-01-01: differences of two are whole day counts. */
export function dayNumber(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / DAY_MS;
}
