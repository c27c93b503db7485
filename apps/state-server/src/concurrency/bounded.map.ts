/**
 * Maps `items` through `fn` with at most `limit` calls unsettled at once, and resolves with the
 * results in the items' order; rejects with the first error (calls already started still run).
 * For bursts such as a plan's thousands of appends, which go no faster for being all in flight at
 * once but hold that many requests, promises and buffers alive together.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number ≥ 1, not ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
