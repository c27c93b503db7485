/** A column of a human table: its header and how to read a row's cell. */
export interface Column<R> {
  header: string;
  cell: (row: R) => string | number | boolean;
}

/**
 * Renders rows as a left-aligned, space-padded table with an upper-case header line, the way
 * `plato get` and `plato history` print by default. Returns the text with a trailing newline.
 */
export function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const cells = rows.map((row) => columns.map((column) => String(column.cell(row))));
  const headers = columns.map((column) => column.header.toUpperCase());
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((line) => line[i]!.length)));
  const format = (line: string[]) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ').trimEnd();
  return [format(headers), ...cells.map(format)].join('\n') + '\n';
}
