// Shared look of every Plotly figure: fonts, margins, palette, taxonomy colours; and small value helpers.
import type { CurveType } from '../../core/classify/index.js';
import type { Figure } from '../types.js';

export const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/** Colour-blind-safe categorical palette (Tableau 10). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** One colour per curve type (typed against the taxonomy's list: a new type needs its colour), the same in badges
 *  (CSS) and figures, plus the states of a curve not classified yet. */
const CURVE_COLORS: Record<CurveType | 'unclassified' | 'running', string> = {
  'v-basin': '#2f7d32', 'w-basin': '#00838f', 'w-peak': '#6a1b9a', 'vvv-basin': '#e65100', 'v-side': '#1565c0',
  monotone: '#5d4037', peak: '#ad1457', flat: '#757575', chaotic: '#c62828', unclassified: '#9e9e9e', running: '#9e9e9e',
};

/** Looked up by any string (a result's type field is read from a file); unknown types get no entry. */
export const TYPE_COLORS: Readonly<Record<string, string>> = CURVE_COLORS;

export const LOSS_COLORSCALE = 'Viridis';

/** The panel's heading names the figure on the page; the title is kept in `meta` for exports and tests. */
export function baseLayout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    meta: { title },
    font: { family: FONT, size: 12 },
    margin: { l: 60, r: 20, t: 16, b: 48 },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    hovermode: 'closest',
    legend: { orientation: 'h', y: -0.2 },
    ...extra,
  };
}

export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { text: title }, zeroline: false, gridcolor: '#e6e6e6', linecolor: '#999', ticks: 'outside', ...extra };
}

export function figure(data: Record<string, unknown>[], layout: Record<string, unknown>): Figure {
  return { data, layout };
}

/** JSON cannot hold NaN or ±∞; Plotly draws null as a gap. */
export function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function isNumberArray(v: unknown, minLength = 1): v is (number | null)[] {
  return Array.isArray(v) && v.length >= minLength && v.every((x) => x === null || typeof x === 'number') && v.some((x) => typeof x === 'number');
}

export function isMatrix(v: unknown): v is (number | null)[][] {
  return Array.isArray(v) && v.length > 0 && v.every((row) => isNumberArray(row) || (Array.isArray(row) && row.every((x) => x === null)));
}

export function finiteRange(values: readonly (number | null)[]): { min: number; max: number } | undefined {
  let min = Infinity, max = -Infinity;
  for (const v of values) if (v !== null && Number.isFinite(v)) { if (v < min) min = v; if (v > max) max = v; }
  return min <= max ? { min, max } : undefined;
}

/** Log scale is worth offering when every value is positive and they span more than a factor of 20. */
export function wantsLog(values: readonly (number | null)[]): boolean {
  const r = finiteRange(values);
  return !!r && r.min > 0 && r.max / r.min >= 20;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return Number(v.toPrecision(5)).toString();
}

/** 'gaussian:norm=filter:seed=100:bias-bn=zero:scale=1' → 'gaussian seed=100' (axis titles stay short). */
export function shortSpec(spec: string): string {
  const [kind, ...rest] = spec.split(':');
  const keep = rest.filter((s) => /^(seed|k)=/.test(s) || !s.includes('='));
  const text = [kind, ...keep.map((s) => s.split('/').slice(-2).join('/'))].join(' ');
  return text.length > 48 ? `${text.slice(0, 45)}…` : text;
}
