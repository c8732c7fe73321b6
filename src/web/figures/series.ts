// Histories and other series: training epochs, mining objectives per step (one trace per restart), and plain
// numeric arrays of results terrain does not know by name (shown as a line and a histogram).
import type { Panel } from '../types.js';
import { axis, baseLayout, figure, finite, PALETTE } from './theme.js';

type Row = Record<string, unknown>;

const X_FIELDS = ['step', 'iteration', 'iter', 'epoch', 't', 'index', 'radius', 'lambda', 'seed'];
const MAX_FIELDS = 8;
const BOOKKEEPING = /(^|\.)(samples|matvecs|seconds|ms|steps|count|index)$/;

/** Fields holding a number in most rows, in first-seen order. */
export function numericFields(rows: readonly Row[]): string[] {
  const counts = new Map<string, number>();
  for (const r of rows) for (const [k, v] of Object.entries(r)) if (typeof v === 'number') counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].filter(([, n]) => n >= rows.length / 2).map(([k]) => k);
}

/** Nested objects' numbers as 'key.sub' (a checkpoint's trace: {mean, stderr} → trace.mean, trace.stderr). */
export function flattenRow(r: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(r)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Row)) if (typeof v2 === 'number') out[`${k}.${k2}`] = v2;
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** The first top-level array of records (training epochs, per-checkpoint curvature, mining seeds, gmi directions). */
export function recordsOf(r: Row): Row[] | undefined {
  for (const v of Object.values(r)) if (Array.isArray(v) && v.length > 0 && v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) return v as Row[];
  return undefined;
}

export function xField(fields: readonly string[]): string | undefined {
  return X_FIELDS.find((f) => fields.includes(f));
}

export interface HistoryGroup {
  label: string;
  rows: readonly Row[];
}

/** A value to mark on a field's axis (tr(H)/P beside the directions' εᵀHε/‖ε‖²). */
export interface FieldMarker { value: number; label: string }

/**
 * One view per numeric field. Ordered records (a step, epoch, seed … field): one line per group against it.
 * Unordered records (one per direction, say): a histogram per field when there are many, else the values by index.
 */
export function historyPanel(id: string, title: string, groups: readonly HistoryGroup[], markers: Record<string, FieldMarker> = {}): Panel | undefined {
  const flat = groups.map((g) => ({ label: g.label, rows: g.rows.map(flattenRow) }));
  const all = flat.flatMap((g) => g.rows);
  const fields = numericFields(all);
  const xf = xField(fields);
  // A marked field first (what the figure is for), book-keeping counters last.
  const rank = (f: string): number => (f in markers ? -1 : BOOKKEEPING.test(f) ? 1 : 0);
  const ys = fields.filter((f) => f !== xf).sort((a, b) => rank(a) - rank(b)).slice(0, MAX_FIELDS);
  if (ys.length === 0 || all.length < 2) return undefined;
  const histogram = !xf && all.length >= 8;
  const views = ys.map((f) => {
    const m = markers[f];
    const shapes = m ? [{ type: 'line', xref: histogram ? 'x' : 'paper', yref: histogram ? 'paper' : 'y', ...(histogram ? { x0: m.value, x1: m.value, y0: 0, y1: 1 } : { x0: 0, x1: 1, y0: m.value, y1: m.value }), line: { color: '#e15759', width: 2, dash: 'dash' } }] : [];
    const annotations = m ? [{ text: m.label, showarrow: false, font: { color: '#e15759' }, ...(histogram ? { x: m.value, y: 1, xref: 'x', yref: 'paper', yanchor: 'bottom' } : { x: 1, y: m.value, xref: 'paper', yref: 'y', xanchor: 'right', yanchor: 'bottom' }) }] : [];
    if (histogram) {
      return {
        label: f,
        figure: figure(flat.map((g, k) => ({ type: 'histogram', x: g.rows.map((r) => finite(r[f])).filter((v) => v !== null), name: g.label, marker: { color: PALETTE[k % PALETTE.length] }, opacity: flat.length > 1 ? 0.6 : 1 })),
          baseLayout(title, { xaxis: axis(f), yaxis: axis('count'), barmode: 'overlay', bargap: 0.05, showlegend: flat.length > 1, shapes, annotations })),
      };
    }
    return {
      label: f,
      figure: figure(flat.map((g, k) => ({
        type: 'scatter', mode: g.rows.length > 60 ? 'lines' : 'lines+markers', name: g.label, marker: { size: 5 },
        x: g.rows.map((r, i) => (xf ? finite(r[xf]) : i)), y: g.rows.map((r) => finite(r[f])), line: { color: PALETTE[k % PALETTE.length], width: 1.6 },
      })), baseLayout(title, { xaxis: axis(xf ?? 'index'), yaxis: axis(f), showlegend: flat.length > 1, legend: { orientation: 'v', x: 1.02, y: 1 }, shapes, annotations })),
    };
  });
  return { id, title, kind: '2d', views };
}

/** A plain number array: its values in order, and their histogram. */
export function arrayPanel(id: string, title: string, values: readonly (number | null)[]): Panel {
  const y = values.map(finite);
  const index = y.map((_, i) => i);
  return {
    id, title, kind: '2d',
    views: [
      { label: 'values', figure: figure([{ type: 'scatter', mode: y.length > 60 ? 'lines' : 'lines+markers', x: index, y, name: title, line: { color: PALETTE[0] }, marker: { size: 4 } }], baseLayout(title, { xaxis: axis('index'), yaxis: axis('value'), showlegend: false })) },
      { label: 'histogram', figure: figure([{ type: 'histogram', x: y.filter((v) => v !== null), name: title, marker: { color: PALETTE[0] }, nbinsx: Math.min(40, Math.max(5, Math.round(Math.sqrt(y.length)) * 2)) }], baseLayout(title, { xaxis: axis('value'), yaxis: axis('count'), showlegend: false, bargap: 0.05 })) },
    ],
  };
}

/** train.json epochs: train/test loss, train/test accuracy and the learning rate per epoch. */
export function trainPanel(id: string, title: string, epochs: readonly Row[]): Panel | undefined {
  if (epochs.length === 0) return undefined;
  const x = epochs.map((e, i) => finite(e['epoch']) ?? i + 1);
  const line = (field: string, name: string, color: string, dash?: string): Record<string, unknown> => ({
    type: 'scatter', mode: 'lines+markers', x, y: epochs.map((e) => finite(e[field])), name, line: { color, width: 2, dash }, marker: { size: 4 },
  });
  const layout = (y: string, extra: Record<string, unknown> = {}): Record<string, unknown> => baseLayout(title, { xaxis: axis('epoch'), yaxis: axis(y, extra), showlegend: true });
  const has = (f: string): boolean => epochs.some((e) => typeof e[f] === 'number');
  const views: Panel['views'] = [];
  const lossLines = [has('trainLoss') && line('trainLoss', 'train', PALETTE[0]!), has('testLoss') && line('testLoss', 'test', PALETTE[1]!, 'dash')].filter(Boolean) as Record<string, unknown>[];
  if (lossLines.length) views.push({ label: 'loss', figure: figure(lossLines, layout('loss', { type: 'log' })) });
  const accLines = [has('trainAccuracy') && line('trainAccuracy', 'train', PALETTE[0]!), has('testAccuracy') && line('testAccuracy', 'test', PALETTE[1]!, 'dash')].filter(Boolean) as Record<string, unknown>[];
  if (accLines.length) views.push({ label: 'accuracy', figure: figure(accLines, layout('accuracy')) });
  if (has('lr')) views.push({ label: 'learning rate', figure: figure([line('lr', 'lr', PALETTE[4]!)], layout('learning rate')) });
  return views.length ? { id, title, kind: '2d', views } : undefined;
}
