import { MetricDirection } from "../kpi/kpi.definitions.js";

/*
 * How a KPI's value compares with its target. Pure, so the arithmetic is tested apart from the database.
 */

/**
 * Attainment as a fraction, 1.0 = target met exactly: value ÷ target when higher is better, target ÷ value
 * when lower is better (so above 1 is better than the target either way). Null when either figure is
 * missing or the divisor is 0.
 */
export function attainment(direction: MetricDirection, value: number | null, target: number | null): number | null {
  if (value === null || target === null) return null;
  const [top, bottom] = direction === MetricDirection.HIGHER_IS_BETTER ? [value, target] : [target, value];
  return bottom === 0 ? null : top / bottom;
}

/** value ≥ target when higher is better, value ≤ target when lower is better; null when either is missing. */
export function targetMet(direction: MetricDirection, value: number | null, target: number | null): boolean | null {
  if (value === null || target === null) return null;
  return direction === MetricDirection.HIGHER_IS_BETTER ? value >= target : value <= target;
}
