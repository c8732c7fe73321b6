// terrain sharpness: per model, λ_max, tr(H)/P, ε-sharpness, the loss increase at radius r and the basin width,
// each with its error (one error-bar view per measure and one table), and the measures' orderings.
import type { Panel } from '../types.js';
import { cell, tableFigure, withError } from './table.js';
import { axis, baseLayout, figure, finite, PALETTE } from './theme.js';

import { isObject as isObj } from './detect.js';

type Obj = Record<string, unknown>;

const num = (o: unknown, k: string): number | undefined => (isObj(o) && typeof o[k] === 'number' ? o[k] : undefined);

export interface Measure {
  label: string;
  /** Per model: value and error (undefined when the measure states none). */
  values: (number | undefined)[];
  errors: (number | undefined)[];
  errorName?: string;
}

/** The models and their measures of a sharpness result (kind 'sharpness', a `models` array), else undefined. */
export function sharpnessMeasures(r: Obj): { names: string[]; measures: Measure[]; censored: number[] } | undefined {
  if (r['kind'] !== 'sharpness' || !Array.isArray(r['models']) || r['models'].length === 0 || !r['models'].every(isObj)) return undefined;
  const ms = r['models'] as Obj[];
  if (!ms.every((m) => isObj(m['lambdaMax']) && isObj(m['traceOverP']))) return undefined;
  const opts = isObj(r['options']) ? r['options'] : {};
  const eps = num(opts['epsilon'], 'epsilon') ?? num(ms[0]!['epsilonSharpness'], 'epsilon');
  const radius = num(opts['directions'], 'radius') ?? num(ms[0]!['lossIncrease'], 'radius');
  const delta = num(opts['basin'], 'delta') ?? num(ms[0]!['basinWidth'], 'delta');
  const pick = (k: string, v: string, e?: string): Pick<Measure, 'values' | 'errors'> => ({ values: ms.map((m) => num(m[k], v)), errors: ms.map((m) => (e ? num(m[k], e) : undefined)) });
  return {
    names: ms.map((m, i) => (typeof m['name'] === 'string' ? m['name'] : `model ${i + 1}`)),
    measures: [
      { label: 'λ_max', ...pick('lambdaMax', 'value', 'residual'), errorName: 'Lanczos residual' },
      { label: 'tr(H)/P', ...pick('traceOverP', 'mean', 'stderr'), errorName: 'standard error' },
      { label: `ε-sharpness${eps !== undefined ? ` (ε=${eps})` : ''}`, ...pick('epsilonSharpness', 'increase') },
      { label: `loss increase at r${radius !== undefined ? `=${radius}` : ''}`, ...pick('lossIncrease', 'mean', 'stderr'), errorName: 'standard error' },
      { label: `basin width${delta !== undefined ? ` (δ=${delta})` : ''}`, ...pick('basinWidth', 'mean', 'stderr'), errorName: 'standard error' },
    ],
    censored: ms.map((m) => num(m['basinWidth'], 'censored') ?? 0),
  };
}

export function sharpnessPanels(r: Obj, ctx: { id: string; title: string }): { panels: Panel[]; used: string[] } | undefined {
  const got = sharpnessMeasures(r);
  if (!got) return undefined;
  const { names, measures, censored } = got;
  const views: Panel['views'] = measures.map((m, k) => ({
    label: m.label.replace(/ \(.*\)$/, ''),
    figure: figure([{
      type: 'scatter', mode: names.length > 6 ? 'lines+markers' : 'markers', x: names, y: m.values.map(finite), name: m.label,
      marker: { size: 9, color: PALETTE[k % PALETTE.length] }, line: { color: PALETTE[k % PALETTE.length] },
      ...(m.errors.some((e) => e !== undefined) ? { error_y: { type: 'data', array: m.errors.map((e) => finite(e) ?? 0), visible: true, thickness: 1.5, width: 6 } } : {}),
    }], baseLayout(`${ctx.title} · ${m.label}`, {
      xaxis: axis('model', { type: 'category' }), yaxis: axis(m.errorName ? `${m.label} (± ${m.errorName})` : `${m.label} (no error: a lower bound)`), showlegend: false,
    })),
  }));
  const loss = (r['models'] as Obj[]).map((m) => num(m, 'loss'));
  const keskar = (r['models'] as Obj[]).map((m) => num(m['epsilonSharpness'], 'keskar'));
  const rows = names.map((n, i) => [
    n, cell(loss[i]), ...measures.map((m, k) => (k === 4 && censored[i]! > 0 ? withError(m.values[i], m.errors[i], '≥ ') : withError(m.values[i], m.errors[i]))),
    cell(keskar[i]),
  ]);
  const header = ['model', 'loss', ...measures.map((m) => m.label.replace('loss increase at r', 'ΔL at r')), 'Keskar %'];
  const orders = isObj(r['orderings']) ? Object.entries(r['orderings']).filter(([, v]) => Array.isArray(v)) as [string, unknown[]][] : [];
  const agree = typeof r['orderingsAgree'] === 'boolean' ? r['orderingsAgree'] : undefined;
  const tableViews: Panel['views'] = [{ label: 'table', figure: tableFigure(`${ctx.title} · sharpness`, header, rows, [1.4, 0.9, 1.2, 1.2, 1, 1.2, 1.2, 0.9]) }];
  if (orders.length) tableViews.push({ label: 'orderings', figure: tableFigure(`${ctx.title} · orderings`, ['measure', 'flattest → sharpest'], orders.map(([k, v]) => [k, v.map(String).join(' < ')]), [1, 2]) });
  const notes = ['Keskar %: 100·ε-sharpness/(1 + L); ± : λ_max the Lanczos residual, the others one standard error over probes or directions; ε-sharpness has none (a lower bound on the box maximum)'];
  if (censored.some((c) => c > 0)) notes.push('≥: some basin edges were not reached within the range (censored)');
  if (typeof r['params'] === 'string') notes.push(`measures of the parameters matching /${r['params']}/ only (P = their count)`);
  if (agree !== undefined) notes.push(`the measures' orderings ${agree ? 'agree' : 'do not all agree'}`);
  return {
    panels: [
      { id: `${ctx.id}:sharpness:table`, title: `${ctx.title} · sharpness table`, kind: '2d', views: tableViews, note: notes.join('; ') },
      { id: `${ctx.id}:sharpness:measures`, title: `${ctx.title} · measures with error bars`, kind: '2d', views },
    ],
    used: ['table', 'models', 'orderings', 'orderingsAgree'],
  };
}
