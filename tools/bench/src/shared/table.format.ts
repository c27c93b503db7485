/**
 * Formats a table: the first row is the header, underlined; the first `leftColumns` columns are
 * left-aligned, the rest right-aligned, two spaces apart.
 */
export function table(rows: string[][], leftColumns = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c < leftColumns ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** A whole number with thousands separators (`?` when not finite). */
export const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '?');

/** Seconds with 3 decimals from milliseconds (`?` when not finite). */
export const secs = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(3) : '?');

/** The median of `xs` (NaN when empty). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** `a / b` rounded to `decimals` places. */
export const ratio = (a: number, b: number, decimals = 2): number => Math.round((a / b) * 10 ** decimals) / 10 ** decimals;

/** `name value %` pairs, comma-separated (CPU shares, profile categories). */
export const percentages = (shares: Record<string, number>): string =>
  Object.entries(shares)
    .map(([k, v]) => `${k} ${v} %`)
    .join(', ');

/**
 * The median and the max of each column of `rows` (a column is a function of a row), rounded to
 * whole numbers; values that are not finite are left out (NaN when none is left).
 */
export function columnStats<R>(rows: readonly R[], columns: Record<string, (row: R) => number>): { median: Record<string, number>; max: Record<string, number> } {
  const med: Record<string, number> = {};
  const max: Record<string, number> = {};
  for (const [name, f] of Object.entries(columns)) {
    const xs = rows.map(f).filter((x) => Number.isFinite(x));
    med[name] = Math.round(median(xs));
    max[name] = xs.length > 0 ? Math.round(Math.max(...xs)) : Number.NaN;
  }
  return { median: med, max };
}
