// CSV (RFC 4180 quoting): a header row, then one row per record. NaN and ±∞ are written as NaN, Infinity, -Infinity
// (core/runs/non-finite.ts; Python's float() and numpy.genfromtxt read them); missing values (null) are empty cells.
import { encodeNumber } from '../runs/non-finite.js';

export type Cell = number | string | null | undefined;

function cell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(encodeNumber(v));
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  return [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}
