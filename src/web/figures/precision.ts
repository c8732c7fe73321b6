// How precise each number of a landscape is: for --tolerance surfaces the samples each point used and the standard
// error it reached (against the target), for --refine results which nodes were measured and which interpolated.
import type { Panel } from '../types.js';
import { axis, baseLayout, figure, finite, formatNumber } from './theme.js';

type Grid = readonly (readonly unknown[])[];

export interface PrecisionData {
  x: readonly number[];
  y: readonly number[];
  samples?: Grid;
  lossSampleStderr?: Grid;
  /** Standard error every point was held to (result.adaptive.target), loss units. */
  target?: number;
  measured?: Grid;
  interpolationBound?: Grid;
}

const numbers = (g: Grid): (number | null)[][] => g.map((row) => row.map(finite));

/** Grey, hatched, for interpolated cells drawn over the loss. */
export const INTERPOLATED_FILL = 'rgba(90,90,90,0.35)';

/** Cell boundaries halfway between coordinates, the outer ones on the first and last coordinate (the plotted area). */
function edges(v: readonly number[]): number[] {
  return [v[0]!, ...v.slice(1).map((c, i) => (v[i]! + c) / 2), v[v.length - 1]!];
}

/**
 * Traces marking a --refine surface on a contour plot: the interpolated cells as one hatched grey polygon trace
 * (rows of neighbouring cells merged; a scatter fill, drawn above the contours, unlike a heatmap) and the measured
 * nodes as dots when few enough to read, each with its legend entry.
 */
export function maskTraces(x: readonly number[], y: readonly number[], measured: Grid): Record<string, unknown>[] {
  const xe = edges(x), ye = edges(y);
  const px: (number | null)[] = [], py: (number | null)[] = [];
  const nodes = { x: [] as number[], y: [] as number[] };
  let interpolated = 0;
  measured.forEach((row, j) => {
    let start = -1;
    for (let i = 0; i <= row.length; i++) {
      const off = i < row.length && row[i] === false;
      if (off) { interpolated++; if (start < 0) start = i; continue; }
      if (start >= 0) {
        const [x0, x1, y0, y1] = [xe[start]!, xe[i]!, ye[j]!, ye[j + 1]!];
        px.push(x0, x1, x1, x0, x0, null);
        py.push(y0, y0, y1, y1, y0, null);
        start = -1;
      }
      if (i < row.length && row[i] === true) { nodes.x.push(x[i]!); nodes.y.push(y[j]!); }
    }
  });
  const traces: Record<string, unknown>[] = [{
    type: 'scatter', mode: 'lines', x: px, y: py, fill: 'toself', fillcolor: INTERPOLATED_FILL,
    fillpattern: { shape: '/', fgcolor: 'rgba(30,30,30,0.6)', bgcolor: INTERPOLATED_FILL, size: 8, solidity: 0.15 },
    line: { width: 0.5, color: 'rgba(60,60,60,0.6)' }, hoverinfo: 'skip', name: `interpolated (${interpolated} points, hatched)`,
  }];
  if (nodes.x.length <= 4000) {
    traces.push({ type: 'scatter', mode: 'markers', x: nodes.x, y: nodes.y, name: `measured (${nodes.x.length} nodes)`, marker: { size: 4, color: '#111', line: { width: 0.5, color: '#fff' } }, hovertemplate: 'measured<br>α=%{x:.3g}<br>β=%{y:.3g}<extra></extra>' });
  }
  return traces;
}

/** Maps of a surface's precision: samples used, error reached (and its ratio to the target), interpolation bound. */
export function precisionPanel(d: PrecisionData, o: { id: string; title: string; xLabel?: string; yLabel?: string }): Panel | undefined {
  const views: Panel['views'] = [];
  const map = (label: string, z: (number | null)[][], colorTitle: string, extra: Record<string, unknown> = {}, traces: Record<string, unknown>[] = []): void => {
    views.push({
      label,
      figure: figure([
        { type: 'heatmap', x: [...d.x], y: [...d.y], z, colorscale: 'Blues', reversescale: true, colorbar: { title: { text: colorTitle, side: 'right' }, thickness: 14 }, name: label, hovertemplate: `α=%{x:.3g}<br>β=%{y:.3g}<br>${label}: %{z:.4g}<extra></extra>`, ...extra },
        ...traces,
      ], baseLayout(o.title, { xaxis: axis(o.xLabel ?? 'α'), yaxis: axis(o.yLabel ?? 'β'), showlegend: traces.length > 0, margin: { l: 60, r: 20, t: 16, b: 48 } })),
    });
  };
  if (d.samples) map('samples used', numbers(d.samples), 'samples');
  if (d.lossSampleStderr) {
    const se = numbers(d.lossSampleStderr);
    map('achieved error', se, 'standard error');
    if (d.target && d.target > 0) {
      // Diverging at 1: blue points met the target, red ones stopped short of it (whole split, or not finished yet).
      map('error / target', se.map((row) => row.map((v) => (v === null ? null : v / d.target!))), `error / ${formatNumber(d.target)}`,
        { colorscale: [[0, '#2166ac'], [0.5, '#f7f7f7'], [1, '#b2182b']], zmin: 0, zmax: 2 });
    }
  }
  if (d.interpolationBound) {
    map('interpolation bound', numbers(d.interpolationBound), 'bound (loss)', {}, d.measured ? maskTraces(d.x, d.y, d.measured).slice(1) : []); // the map itself shows where
  }
  return views.length ? { id: o.id, title: o.title, kind: '2d', views, note: d.target ? `target standard error ${formatNumber(d.target)}` : undefined } : undefined;
}
