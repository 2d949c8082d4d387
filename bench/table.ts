/**
 * A plain-text table for the bench's report: columns padded to their widest cell, the first two
 * left-aligned and the others right-aligned; a row shorter than the header ends with a note that
 * spans the remaining columns.
 */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const spans = (row: string[], column: number) =>
    row.length < header.length && column === row.length - 1;
  const widths = header.map((_, column) =>
    Math.max(
      ...all.map((row) => (column < row.length && !spans(row, column) ? row[column].length : 0)),
    ),
  );
  const line = (row: string[]): string =>
    row
      .map((cell, column) => {
        if (spans(row, column)) return cell;
        return column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]);
      })
      .join('  ')
      .trimEnd();
  return all.map(line).join('\n');
}
