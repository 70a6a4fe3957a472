/**
 * Runs `change` with the contribution of `keys` to a rollup moved: subtracted before the change, added
 * after it, so the rollup follows the rows without a recount. `apply(keys, sign)` adds (1) or subtracts
 * (−1) the contribution the rows of `keys` make as they are when it runs. Call inside the write's
 * transaction.
 */
export async function withContributionMoved<K, T>(
  keys: readonly K[],
  apply: (keys: readonly K[], sign: 1 | -1) => Promise<void>,
  change: () => Promise<T>,
): Promise<T> {
  const unique = [...new Set(keys)];
  await apply(unique, -1);
  const result = await change();
  await apply(unique, 1);
  return result;
}
