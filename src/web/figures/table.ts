// Tables as Plotly 'table' traces, so the report and the viewer show them beside the figures with no other code.
import type { Figure } from '../types.js';
import { baseLayout, FONT, formatNumber } from './theme.js';

/** A value and its error as one cell: "0.0371 ± 2e-7"; missing or non-finite numbers are '–'. */
export function withError(value: unknown, error?: unknown, prefix = ''): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  const e = typeof error === 'number' && Number.isFinite(error) ? ` ± ${Number(error.toPrecision(2))}` : '';
  return `${prefix}${formatNumber(Number(value.toPrecision(4)))}${e}`;
}

export function cell(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? formatNumber(v) : '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return v === undefined || v === null ? '–' : String(v);
}

/** One row per entry of `rows`, columns in the order of `header`. */
export function tableFigure(title: string, header: readonly string[], rows: readonly (readonly string[])[], columnWidths?: readonly number[]): Figure {
  const columns = header.map((_, c) => rows.map((r) => r[c] ?? ''));
  return {
    data: [{
      type: 'table', header: { values: header.map((h) => `<b>${h}</b>`), align: 'left', fill: { color: '#eef1f5' }, font: { family: FONT, size: 11 } },
      cells: { values: columns, align: 'left', font: { family: FONT, size: 11 }, height: 22 }, name: title,
      ...(columnWidths ? { columnwidth: [...columnWidths] } : {}),
    }],
    // The panel's plot box sets the height; longer tables scroll inside it.
    layout: baseLayout(title, { margin: { l: 8, r: 8, t: 8, b: 8 } }),
  };
}
