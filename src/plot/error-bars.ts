// Several measures of a few items (models, checkpoints) side by side: one panel per measure, a point per item with
// its ± error bar, the items on a shared categorical x axis, so that orderings can be compared across panels.
import type { Mark, Spec } from 'vega';
import { CONFIG, titleBlock, type TitleOptions } from './theme.js';
import { renderSvg } from './render.js';

export interface ErrorBarPanel {
  /** Axis title of the panel (the measure and its unit). */
  label: string;
  /** One value per item; NaN or non-finite values are left out. */
  values: readonly number[];
  /** ± error per item (0, NaN or absent: no bar). */
  errors?: readonly number[];
  logY?: boolean;
}

export interface ErrorBarsOptions extends TitleOptions {
  width?: number;
  panelHeight?: number;
}

interface Row { item: string; value: number; lo: number; hi: number }

export function errorBarsSpec(items: readonly string[], panels: readonly ErrorBarPanel[], options: ErrorBarsOptions): Spec {
  if (items.length === 0 || panels.length === 0) throw new Error('errorBarsPlot: expected at least one item and one panel');
  if (new Set(items).size !== items.length) throw new Error(`errorBarsPlot: item labels must be distinct, got ${items.join(', ')}`);
  const width = options.width ?? Math.max(320, 60 * items.length), height = options.panelHeight ?? 130, gap = 36;
  const marks: Mark[] = [];
  const data: Spec['data'] = [];
  panels.forEach((p, k) => {
    if (p.values.length !== items.length) throw new Error(`errorBarsPlot: panel "${p.label}" has ${p.values.length} values for ${items.length} items`);
    const rows: Row[] = [];
    p.values.forEach((value, i) => {
      if (!Number.isFinite(value) || (p.logY && value <= 0)) return;
      const e = p.errors?.[i];
      const err = e !== undefined && Number.isFinite(e) && e > 0 ? e : 0;
      const lo = p.logY ? Math.max(value - err, value / 10) : value - err;
      rows.push({ item: items[i]!, value, lo, hi: value + err });
    });
    const name = `panel${k}`;
    data.push({ name, values: rows });
    const last = k === panels.length - 1;
    marks.push({
      type: 'group',
      encode: { enter: { x: { value: 0 }, y: { value: k * (height + gap) }, width: { value: width }, height: { value: height } } },
      scales: [{ name: `y${k}`, type: p.logY ? 'log' : 'linear', domain: { data: name, fields: ['lo', 'hi'] }, range: [height, 0], zero: false, nice: true }],
      axes: [
        { orient: 'bottom', scale: 'x', labels: last, ticks: true, title: last ? 'model' : undefined, labelAngle: items.some((s) => s.length > 8) ? -30 : 0, labelAlign: items.some((s) => s.length > 8) ? 'right' : 'center' },
        { orient: 'left', scale: `y${k}`, title: p.label, tickCount: 4 },
      ],
      marks: [
        { type: 'rule', from: { data: name }, encode: { enter: { x: { scale: 'x', field: 'item', band: 0.5 }, y: { scale: `y${k}`, field: 'lo' }, y2: { scale: `y${k}`, field: 'hi' }, stroke: { value: '#4c78a8' }, strokeWidth: { value: 2 } } } },
        { type: 'symbol', from: { data: name }, encode: { enter: { x: { scale: 'x', field: 'item', band: 0.5 }, y: { scale: `y${k}`, field: 'value' }, fill: { value: '#4c78a8' }, size: { value: 50 } } } },
      ],
    });
  });
  return {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    config: CONFIG,
    padding: 8,
    autosize: 'pad',
    width,
    height: panels.length * (height + gap) - gap,
    title: titleBlock(options),
    data,
    scales: [{ name: 'x', type: 'band', domain: [...items], range: [0, width], padding: 0.2 }],
    marks,
  };
}

export async function errorBarsPlot(items: readonly string[], panels: readonly ErrorBarPanel[], options: ErrorBarsOptions): Promise<string> {
  return renderSvg(errorBarsSpec(items, panels, options));
}
