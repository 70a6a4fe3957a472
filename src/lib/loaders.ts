import DataLoader from "dataloader";

/**
 * A loader returning one row (or null) per key. `fetch` gets the distinct keys
 * of one tick in one call; results are put back in key order through a Map.
 */
export function rowLoader<K, R>(fetch: (keys: readonly K[]) => Promise<readonly R[]>, keyOf: (row: R) => K): DataLoader<K, R | null> {
  return new DataLoader<K, R | null>(async (keys) => {
    const rows = await fetch(keys);
    const byKey = new Map<K, R>();
    for (const row of rows) byKey.set(keyOf(row), row);
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A loader returning all rows per key (in the order `fetch` gave them); a key without rows gets []. */
export function groupLoader<K, R>(fetch: (keys: readonly K[]) => Promise<readonly R[]>, keyOf: (row: R) => K): DataLoader<K, R[]> {
  return new DataLoader<K, R[]>(async (keys) => {
    const rows = await fetch(keys);
    const byKey = new Map<K, R[]>();
    for (const row of rows) {
      const key = keyOf(row);
      const group = byKey.get(key);
      if (group === undefined) byKey.set(key, [row]);
      else group.push(row);
    }
    return keys.map((key) => byKey.get(key) ?? []);
  });
}

/** A loader returning one value per key from a Map-producing fetch, with a default for absent keys. */
export function valueLoader<K, V>(fetch: (keys: readonly K[]) => Promise<Map<K, V>>, fallback: V): DataLoader<K, V> {
  return new DataLoader<K, V>(async (keys) => {
    const values = await fetch(keys);
    return keys.map((key) => values.get(key) ?? fallback);
  });
}

/**
 * Loaders made once per distinct variant (a nested field's arguments, by `keyOf`), so that every parent asking with
 * the same arguments joins one batch, and parents asking differently (another alias) get their own.
 */
export function loadersBy<V, L>(keyOf: (variant: V) => string, make: (variant: V) => L): (variant: V) => L {
  const made = new Map<string, L>();
  return (variant) => {
    const key = keyOf(variant);
    let loader = made.get(key);
    if (loader === undefined) {
      loader = make(variant);
      made.set(key, loader);
    }
    return loader;
  };
}
