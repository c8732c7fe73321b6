// terrain connect: loss and accuracy along the trained curve and the straight line (train and test) on one figure,
// each path's barrier drawn as the segment from its end-point level up to its maximum and stated in the note.
import type { Panel } from '../types.js';
import { errorBars } from './curve.js';
import { cell, tableFigure } from './table.js';
import { axis, baseLayout, figure, finite, finiteRange, formatNumber, isNumberArray, PALETTE } from './theme.js';

import { isObject as isObj } from './detect.js';

type Obj = Record<string, unknown>;

export interface ConnectPath {
  label: string;
  split: string;
  path: string;
  lambdas: number[];
  loss: (number | null)[];
  accuracy?: (number | null)[];
  lossStderr?: (number | null)[];
  barrier?: { height: number; t: number; max: number; ends: number };
}


/** The paths of a connect result (kind 'connect' and a `paths` array of t-curves), or undefined when it is not one. */
export function connectPaths(r: Obj): ConnectPath[] | undefined {
  if (r['kind'] !== 'connect' || !Array.isArray(r['paths'])) return undefined;
  const out: ConnectPath[] = [];
  for (const p of r['paths']) {
    if (!isObj(p) || !isNumberArray(p['lambdas'], 2) || !isNumberArray(p['loss']) || p['loss'].length !== p['lambdas'].length) return undefined;
    const n = p['lambdas'].length;
    const same = (v: unknown): (number | null)[] | undefined => (isNumberArray(v) && v.length === n ? v : undefined);
    const b = p['barrier'];
    const barrier = isObj(b) && ['height', 't', 'max', 'ends'].every((k) => typeof b[k] === 'number') ? (b as unknown as ConnectPath['barrier']) : undefined;
    out.push({
      label: typeof p['label'] === 'string' ? p['label'] : `${String(p['path'])} · ${String(p['split'])}`,
      split: String(p['split'] ?? ''), path: String(p['path'] ?? ''), lambdas: p['lambdas'] as number[], loss: p['loss'],
      accuracy: same(p['accuracy']), lossStderr: same(p['lossStderr']), barrier,
    });
  }
  return out.length ? out : undefined;
}

/** "train: line 0.51 at t=0.5 → bezier 0.455 at t=0.5 (10.9 % lower)", one clause per split. */
export function barrierSummary(paths: readonly ConnectPath[], reduction: unknown): string {
  const splits = [...new Set(paths.map((p) => p.split))];
  const at = (p: ConnectPath | undefined): string => (p?.barrier ? `${formatNumber(p.barrier.height)} at t=${formatNumber(p.barrier.t)}` : '–');
  return splits.map((s) => {
    const line = paths.find((p) => p.split === s && p.path === 'line');
    const curve = paths.find((p) => p.split === s && p.path !== 'line');
    const red = isObj(reduction) && typeof reduction[s] === 'number' && Number.isFinite(reduction[s]) ? ` (${(100 * (reduction[s] as number)).toFixed(1)} % lower)` : '';
    return `${s}: line ${at(line)} → ${curve ? curve.label.split(' · ')[0] : 'curve'} ${at(curve)}${red}`;
  }).join('; ');
}

export function connectPanels(r: Obj, ctx: { id: string; title: string }): { panels: Panel[]; used: string[] } | undefined {
  const paths = connectPaths(r);
  if (!paths) return undefined;
  const splits = [...new Set(paths.map((p) => p.split))];
  const color = (p: ConnectPath): string => PALETTE[Math.max(0, splits.indexOf(p.split)) % PALETTE.length]!;
  const dash = (p: ConnectPath): string => (p.path === 'line' ? 'dash' : 'solid');
  const lossTraces: Record<string, unknown>[] = [];
  for (const p of paths) {
    const se = p.lossStderr?.map(finite);
    lossTraces.push({
      type: 'scatter', mode: 'lines+markers', x: p.lambdas, y: p.loss.map(finite), name: p.label, legendgroup: p.label,
      line: { color: color(p), width: 2, dash: dash(p) }, marker: { size: 4 },
      ...(se && se.some((v) => v !== null && v > 0) ? { error_y: errorBars(se, color(p)) } : {}),
    });
  }
  // The barrier is max_t L(t) − max(L(0), L(1)): a vertical segment from the end points' level to the maximum.
  for (const p of paths.filter((x) => x.barrier)) {
    const b = p.barrier!;
    lossTraces.push({
      type: 'scatter', mode: 'lines+markers', x: [b.t, b.t], y: [b.ends, b.max], name: `barrier · ${p.label}`, legendgroup: p.label, showlegend: false,
      line: { color: color(p), width: 1.5 }, marker: { size: [0, 10], symbol: 'triangle-down', color: color(p) },
      hovertemplate: `barrier ${formatNumber(b.height)} at t=${formatNumber(b.t)} (max ${formatNumber(b.max)}, end points ${formatNumber(b.ends)})<extra>${p.label}</extra>`,
    });
  }
  // Stated on the figure too (every barrier often sits at the same t, so labels beside the marks would overlap).
  const stated = paths.filter((p) => p.barrier).map((p) => `<span style="color:${color(p)}">${p.label}: barrier ${formatNumber(p.barrier!.height)} at t=${formatNumber(p.barrier!.t)}</span>`);
  const annotations = stated.length ? [{
    xref: 'paper', yref: 'paper', x: 0.01, y: 0.99, xanchor: 'left', yanchor: 'top', align: 'left', showarrow: false, text: stated.join('<br>'),
    font: { size: 10 }, bgcolor: 'rgba(255,255,255,0.8)', bordercolor: '#ccc', borderwidth: 1,
  }] : [];
  const layout = (y: string, extra: Obj = {}): Obj => baseLayout(`${ctx.title} · curve vs line`, { xaxis: axis('t (A at 0, B at 1)', { range: [-0.03, 1.03] }), yaxis: axis(y, extra), showlegend: true, ...(y === 'loss' ? { annotations } : {}) });
  // Head room above the highest point for the box of barriers (one line per path).
  const range = finiteRange(paths.flatMap((p) => p.loss.map((v, i) => (v === null ? null : v + (finite(p.lossStderr?.[i]) ?? 0)))));
  const head = range && annotations.length ? { range: [range.min - 0.05 * (range.max - range.min), range.max + (0.12 + 0.09 * stated.length) * (range.max - range.min || 1)] } : {};
  const views: Panel['views'] = [{ label: 'loss', figure: figure(lossTraces, layout('loss', head)) }];
  const withAcc = paths.filter((p) => p.accuracy?.some((v) => finite(v) !== null));
  if (withAcc.length) {
    views.push({ label: 'accuracy', figure: figure(withAcc.map((p) => ({
      type: 'scatter', mode: 'lines+markers', x: p.lambdas, y: p.accuracy!.map(finite), name: p.label, line: { color: color(p), width: 2, dash: dash(p) }, marker: { size: 4 },
    })), layout('accuracy', { range: [0, 1.02] })) });
  }
  const reduction = r['barrierReduction'];
  const rows = paths.map((p) => [p.split, p.label, cell(p.barrier?.height), cell(p.barrier?.t), cell(p.barrier?.max), cell(p.barrier?.ends),
    p.path === 'line' || !isObj(reduction) || typeof reduction[p.split] !== 'number' ? '' : `${(100 * (reduction[p.split] as number)).toFixed(1)} %`]);
  views.push({ label: 'barriers', figure: tableFigure(`${ctx.title} · barriers`, ['split', 'path', 'barrier', 't of max', 'max loss', 'end points', 'lower than line by'], rows) });
  const bends = typeof r['bends'] === 'number' ? `, ${r['bends']} bend${r['bends'] === 1 ? '' : 's'}` : '';
  return {
    panels: [{
      id: `${ctx.id}:connect`, title: `${ctx.title} · ${String(r['curve'] ?? 'curve')}${bends} vs straight line`, kind: '2d', views,
      note: `barrier = max over t of L(t) − max(L(0), L(1)); ${barrierSummary(paths, reduction)}`,
    }],
    used: ['paths', 'barriers', 'barrierReduction', 'checkpoints'],
  };
}
