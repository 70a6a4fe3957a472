/**
 * A bounded map that drops its least recently used entry when full: for values worked out once per
 * operation text (compiled queries, single-statement plans), whose number callers could otherwise grow.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  /** The value for `key`, made the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const hit = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  /** The value for `key`, made the most recently used; `compute`d and kept when absent. */
  getOrCompute(key: K, compute: () => V): V {
    if (this.entries.has(key)) return this.get(key) as V;
    const value = compute();
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
    return value;
  }
}
