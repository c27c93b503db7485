/**
 * Deep equality of JSON-like values: objects compare by their own keys regardless of key order,
 * arrays element by element, `undefined`-valued keys count as absent. Used to tell whether a
 * re-applied spec changes anything.
 */
export function structuralEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => structuralEqual(item, b[i]));
  }
  const left = definedEntries(a as Record<string, unknown>);
  const right = definedEntries(b as Record<string, unknown>);
  if (left.size !== right.size) return false;
  for (const [key, value] of left) {
    if (!right.has(key) || !structuralEqual(value, right.get(key))) return false;
  }
  return true;
}

function definedEntries(record: Record<string, unknown>): Map<string, unknown> {
  return new Map(Object.entries(record).filter(([, value]) => value !== undefined));
}
