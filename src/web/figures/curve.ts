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
  /** --tolerance: samples per point and the per-sample standard errors (drawn as error bars). */
  samples?: readonly (number | null)[];
  lossSampleStderr?: readonly (number | null)[];
  accuracyStderr?: readonly (number | null)[];
  /** --refine: which points were evaluated, and the bound of the interpolated ones. */
  measured?: readonly (boolean | null)[];
  interpolationBound?: readonly (number | null)[];
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
  const sampleSe = c.lossSampleStderr && c.lossSampleStderr.length === loss.length ? c.lossSampleStderr.map(finite) : undefined;
  if (!sampleSe && c.lossStderr && c.lossStderr.length === loss.length) {
    const se = c.lossStderr.map(finite);
    const band = (sign: number): (number | null)[] => loss.map((v, i) => (v === null || se[i] === null ? null : v + sign * se[i]!));
    lossTraces.push(
      { type: 'scatter', mode: 'lines', x, y: band(-1), line: { width: 0 }, hoverinfo: 'skip', showlegend: false, name: '−1 s.e.' },
      { type: 'scatter', mode: 'lines', x, y: band(1), line: { width: 0 }, fill: 'tonexty', fillcolor: hexAlpha(color, 0.18), hoverinfo: 'skip', showlegend: false, name: '+1 s.e.' },
    );
  }
  const name = c.type ? `loss (${c.type})` : 'loss';
  const masked = c.measured && c.measured.length === loss.length && c.measured.some((m) => m === false);
  lossTraces.push({
    type: 'scatter', mode: masked ? 'lines' : 'lines+markers', x, y: loss, name: sampleSe ? `${name} ± 1 s.e.` : name, line: { color, width: 2 }, marker: { size: 4 },
    ...(sampleSe ? { error_y: errorBars(sampleSe, color) } : {}),
  });
  if (masked) lossTraces.push(...refineMarkers(x, loss, c.measured!, c.interpolationBound, color));
  (o.overlays ?? []).forEach((ov, k) => {
    lossTraces.push({ type: 'scatter', mode: 'lines', x, y: ov.values.map(finite), name: ov.label, line: { color: PALETTE[(k + 1) % PALETTE.length], width: 2, dash: 'dash' } });
  });
  const zeroLine = { type: 'line', xref: 'x', yref: 'paper', x0: 0, x1: 0, y0: 0, y1: 1, line: { color: '#bbb', width: 1, dash: 'dot' } };
  const shapes = x.length && Math.min(...x) < 0 && Math.max(...x) > 0 ? [zeroLine] : [];
  const layout = (yTitle: string, extra: Record<string, unknown> = {}): Record<string, unknown> => baseLayout(o.title, {
    xaxis: axis('λ'), yaxis: axis(yTitle, extra), shapes, showlegend: lossTraces.length > 3 || (o.overlays?.length ?? 0) > 0 || !!sampleSe || !!masked,
  });
  const views: Panel['views'] = [{ label: 'loss', figure: figure(lossTraces, layout('loss')) }];
  if (wantsLog(loss)) views.push({ label: 'log loss', figure: figure(lossTraces, layout('loss (log scale)', { type: 'log' })) });
  if (c.accuracy && c.accuracy.some((v) => finite(v) !== null)) {
    views.push({
      label: 'accuracy',
      figure: figure([{
        type: 'scatter', mode: 'lines+markers', x, y: c.accuracy.map(finite), name: c.accuracyStderr ? 'accuracy ± 1 s.e.' : 'accuracy', line: { color: '#555', width: 2 }, marker: { size: 4 },
        ...(c.accuracyStderr && c.accuracyStderr.length === x.length ? { error_y: errorBars(c.accuracyStderr.map(finite), '#555') } : {}),
      }], layout('accuracy', { range: [0, 1.02] })),
    });
  }
  if (c.samples && c.samples.some((v) => finite(v) !== null)) {
    views.push({ label: 'samples', figure: figure([{ type: 'scatter', mode: 'lines+markers', x, y: c.samples.map(finite), name: 'samples used', line: { color: PALETTE[0], width: 2, shape: 'hv' }, marker: { size: 4 } }], layout('samples used', { rangemode: 'tozero' })) });
  }
  if (o.errors && o.errors.length) {
    const traces = o.errors.map((e, k) => ({ type: 'scatter', mode: 'lines', x, y: e.values.map(finite), name: e.label, line: { color: PALETTE[(k + 2) % PALETTE.length], width: 2 } }));
    views.push({ label: 'error', figure: figure(traces, { ...layout('error'), showlegend: true }) });
  }
  return { id: o.id, title: o.title, kind: '2d', views };
}

/** Per-point error bars (±1 standard error); points without one get none. */
export function errorBars(se: readonly (number | null)[], color: string): Record<string, unknown> {
  return { type: 'data', array: se.map((v) => v ?? 0), visible: true, color, thickness: 1, width: 3 };
}

/** --refine: measured points as filled markers, interpolated ones hollow and grey with their bound as error bars. */
export function refineMarkers(x: readonly number[], loss: readonly (number | null)[], measured: readonly (boolean | null)[], bound: readonly (number | null)[] | undefined, color: string): Record<string, unknown>[] {
  const pick = (want: boolean): number[] => measured.flatMap((m, i) => (m === want ? [i] : []));
  const on = pick(true), off = pick(false);
  return [
    { type: 'scatter', mode: 'markers', x: on.map((i) => x[i]), y: on.map((i) => loss[i]), name: `measured (${on.length})`, marker: { size: 6, color } },
    {
      type: 'scatter', mode: 'markers', x: off.map((i) => x[i]), y: off.map((i) => loss[i]), name: `interpolated (${off.length}, ± bound)`,
      marker: { size: 6, symbol: 'circle-open', color: '#777' },
      ...(bound ? { error_y: errorBars(off.map((i) => finite(bound[i])), '#999') } : {}),
    },
  ];
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
