// 1-D curves f(λ): loss with its ±1 stderr band, accuracy, and second-order (or any other) predictions overlaid.
import type { Panel } from '../types.js';
import { axis, baseLayout, figure, finite, PALETTE, TYPE_COLORS, wantsLog } from './theme.js';

export interface CurveData {
  lambdas: readonly number[];
  loss: readonly (number | null)[];
  accuracy?: readonly (number | null)[];
  lossStderr?: readonly (number | null)[];
  type?: string;
  direction?: string;
}

/** A series drawn over the measured loss, e.g. the second-order prediction L(θ) + λ gᵀε + ½ λ² εᵀHε. */
export interface Overlay {
  label: string;
  values: readonly (number | null)[];
}

export interface CurvePanelOptions {
  id: string;
  title: string;
  overlays?: readonly Overlay[];
  /** Series on their own axis (relative error of a prediction, …): one extra view. */
  errors?: readonly Overlay[];
}

export function curvePanel(c: CurveData, o: CurvePanelOptions): Panel {
  const x = [...c.lambdas];
  const color = TYPE_COLORS[c.type ?? ''] ?? PALETTE[0]!;
  const loss = c.loss.map(finite);
  const lossTraces: Record<string, unknown>[] = [];
  if (c.lossStderr && c.lossStderr.length === loss.length) {
    const se = c.lossStderr.map(finite);
    const band = (sign: number): (number | null)[] => loss.map((v, i) => (v === null || se[i] === null ? null : v + sign * se[i]!));
    lossTraces.push(
      { type: 'scatter', mode: 'lines', x, y: band(-1), line: { width: 0 }, hoverinfo: 'skip', showlegend: false, name: '−1 s.e.' },
      { type: 'scatter', mode: 'lines', x, y: band(1), line: { width: 0 }, fill: 'tonexty', fillcolor: hexAlpha(color, 0.18), hoverinfo: 'skip', showlegend: false, name: '+1 s.e.' },
    );
  }
  lossTraces.push({ type: 'scatter', mode: 'lines+markers', x, y: loss, name: c.type ? `loss (${c.type})` : 'loss', line: { color, width: 2 }, marker: { size: 4 } });
  (o.overlays ?? []).forEach((ov, k) => {
    lossTraces.push({ type: 'scatter', mode: 'lines', x, y: ov.values.map(finite), name: ov.label, line: { color: PALETTE[(k + 1) % PALETTE.length], width: 2, dash: 'dash' } });
  });
  const zeroLine = { type: 'line', xref: 'x', yref: 'paper', x0: 0, x1: 0, y0: 0, y1: 1, line: { color: '#bbb', width: 1, dash: 'dot' } };
  const shapes = x.length && Math.min(...x) < 0 && Math.max(...x) > 0 ? [zeroLine] : [];
  const layout = (yTitle: string, extra: Record<string, unknown> = {}): Record<string, unknown> => baseLayout(o.title, {
    xaxis: axis('λ'), yaxis: axis(yTitle, extra), shapes, showlegend: lossTraces.length > 3 || (o.overlays?.length ?? 0) > 0,
  });
  const views: Panel['views'] = [{ label: 'loss', figure: figure(lossTraces, layout('loss')) }];
  if (wantsLog(loss)) views.push({ label: 'log loss', figure: figure(lossTraces, layout('loss (log scale)', { type: 'log' })) });
  if (c.accuracy && c.accuracy.some((v) => finite(v) !== null)) {
    views.push({
      label: 'accuracy',
      figure: figure([{ type: 'scatter', mode: 'lines+markers', x, y: c.accuracy.map(finite), name: 'accuracy', line: { color: '#555', width: 2 }, marker: { size: 4 } }], layout('accuracy', { range: [0, 1.02] })),
    });
  }
  if (o.errors && o.errors.length) {
    const traces = o.errors.map((e, k) => ({ type: 'scatter', mode: 'lines', x, y: e.values.map(finite), name: e.label, line: { color: PALETTE[(k + 2) % PALETTE.length], width: 2 } }));
    views.push({ label: 'error', figure: figure(traces, { ...layout('error'), showlegend: true }) });
  }
  return { id: o.id, title: o.title, kind: '2d', views };
}

/** Several curves on one set of axes (the overview; mining restarts), each coloured by its taxonomy type. */
export function curvesOverlayPanel(id: string, title: string, curves: readonly (CurveData & { label: string })[]): Panel {
  const trace = (c: CurveData & { label: string }, k: number, values: readonly (number | null)[]): Record<string, unknown> => ({
    type: 'scatter', mode: 'lines', x: [...c.lambdas], y: values.map(finite), name: c.type ? `${c.label} · ${c.type}` : c.label,
    line: { color: TYPE_COLORS[c.type ?? ''] ?? PALETTE[k % PALETTE.length], width: 1.6 }, legendgroup: c.type ?? c.label,
  });
  const layout = (yTitle: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
    baseLayout(title, { xaxis: axis('λ'), yaxis: axis(yTitle, extra), showlegend: true, legend: { orientation: 'v', x: 1.02, y: 1, font: { size: 10 } }, margin: { l: 60, r: 10, t: 16, b: 48 } });
  const loss = curves.map((c, k) => trace(c, k, c.loss));
  const views: Panel['views'] = [{ label: 'loss', figure: figure(loss, layout('loss')) }];
  if (wantsLog(curves.flatMap((c) => [...c.loss]))) views.push({ label: 'log loss', figure: figure(loss, layout('loss (log scale)', { type: 'log' })) });
  const withAcc = curves.filter((c) => c.accuracy);
  if (withAcc.length) views.push({ label: 'accuracy', figure: figure(withAcc.map((c, k) => trace(c, k, c.accuracy!)), layout('accuracy')) });
  return { id, title, kind: '2d', views };
}

function hexAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}
