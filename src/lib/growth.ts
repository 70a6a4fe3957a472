/*
 * Growth of a KPI between two quarters, with both figures kept so a dashboard can show how the change
 * was computed. Growth is current ÷ base − 1 ("3× in 18 months" is a growth of 2.0, a ratio of 3.0).
 * It is undefined (null) when the base is 0 or either figure is missing: a new pickup location has no
 * growth over the quarter before it opened, not an infinite one.
 */

export interface Growth {
  /** The figure of the quarter read. */
  readonly current: number | null;
  /** The figure it is compared with. */
  readonly base: number | null;
  /** current ÷ base; null when undefined. */
  readonly ratio: number | null;
  /** current ÷ base − 1; null when undefined. */
  readonly change: number | null;
}

export function growth(current: number | null, base: number | null): Growth {
  const defined = current !== null && base !== null && Number.isFinite(current) && Number.isFinite(base) && base !== 0;
  const ratio = defined ? current / base : null;
  return { current, base, ratio, change: ratio === null ? null : ratio - 1 };
}

/**
 * A percentage-point change for ratio KPIs (on-time %, RTO %): comparing 92% with 90% as +2 points is
 * what reviewers expect, where growth would say +2.2%.
 */
export function pointChange(current: number | null, base: number | null): number | null {
  if (current === null || base === null || !Number.isFinite(current) || !Number.isFinite(base)) return null;
  return current - base;
}
