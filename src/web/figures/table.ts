// Tables as Plotly 'table' traces, so the report and the viewer show them beside the figures with no other code.
import type { Figure } from '../types.js';
import { baseLayout, FONT, formatNumber } from './theme.js';

/** A value and its error as one cell: "0.0371 ± 2e-7"; missing or non-finite numbers are '–'. */
export function withError(value: unknown, error?: unknown, prefix = ''): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  const e = typeof error === 'number' && Number.isFinite(error) ? ` ± ${Number(error.toPrecision(2))}` : '';
  return `${prefix}${formatNumber(value)}${e}`;
}

export function cell(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? formatNumber(v) : '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return v === undefined || v === null ? '–' : String(v);
}

/** One row per entry of `rows`, columns in the order of `header`. */
export function tableFigure(title: string, header: readonly string[], rows: readonly (readonly string[])[]): Figure {
  const columns = header.map((_, c) => rows.map((r) => r[c] ?? ''));
  return {
    data: [{
      type: 'table', header: { values: header.map((h) => `<b>${h}</b>`), align: 'left', fill: { color: '#eef1f5' }, font: { family: FONT, size: 12 } },
      cells: { values: columns, align: 'left', font: { family: FONT, size: 12 }, height: 24 }, name: title,
    }],
    layout: baseLayout(title, { margin: { l: 10, r: 10, t: 10, b: 10 }, height: Math.min(640, 80 + 26 * rows.length) }),
  };
}
