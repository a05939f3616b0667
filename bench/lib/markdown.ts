/**
 * Markdown table helpers for the results file.
 */

/** A markdown table from a header row and rows (cells are stringified; null shows as "n/a"). */
export function table(header: string[], rows: (string | number | null | undefined)[][]): string[] {
  const cell = (value: string | number | null | undefined) => (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value)) ? 'n/a' : String(value))
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)]
}

/** "1.23×" or "n/a". */
export function times(value: number | null): string {
  return value === null ? 'n/a' : `${value}×`
}

/** "0.91× (0.84-0.99)": a ratio with its interval, or just the ratio when there is none. */
export function timesWithin(value: number | null, interval: { low: number; high: number } | null | undefined): string {
  if (value === null || !interval) return times(value)
  return `${value}× (${interval.low}-${interval.high})`
}
