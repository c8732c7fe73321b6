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

/** Grey for interpolated cells, drawn over the loss: Plotly needs a legend entry of its own for a heatmap. */
export const INTERPOLATED_FILL = 'rgba(90,90,90,0.45)';

/**
 * Traces marking a --refine surface on a contour plot: interpolated cells greyed, measured nodes as dots (when few
 * enough to read), each with a legend entry.
 */
export function maskTraces(x: readonly number[], y: readonly number[], measured: Grid): Record<string, unknown>[] {
  const grey = measured.map((row) => row.map((m) => (m === false ? 1 : null)));
  const nodes = { x: [] as number[], y: [] as number[] };
  let interpolated = 0;
  measured.forEach((row, j) => row.forEach((m, i) => { if (m === true) { nodes.x.push(x[i]!); nodes.y.push(y[j]!); } else if (m === false) interpolated++; }));
  const traces: Record<string, unknown>[] = [
    { type: 'heatmap', x: [...x], y: [...y], z: grey, colorscale: [[0, INTERPOLATED_FILL], [1, INTERPOLATED_FILL]], showscale: false, hoverinfo: 'skip', name: 'interpolated', zmin: 0, zmax: 1 },
    { type: 'scatter', mode: 'markers', x: [null], y: [null], name: `interpolated (${interpolated} points, greyed)`, marker: { symbol: 'square', size: 12, color: INTERPOLATED_FILL }, hoverinfo: 'skip' },
  ];
  if (nodes.x.length <= 4000) {
    traces.push({ type: 'scatter', mode: 'markers', x: nodes.x, y: nodes.y, name: `measured (${nodes.x.length} nodes)`, marker: { size: 3, color: '#111' }, hovertemplate: 'measured<br>α=%{x:.3g}<br>β=%{y:.3g}<extra></extra>' });
  } else {
    traces.push({ type: 'scatter', mode: 'markers', x: [null], y: [null], name: `measured (${nodes.x.length} nodes, not greyed)`, marker: { size: 8, color: '#fff', line: { width: 1, color: '#111' } } });
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
        { type: 'heatmap', x: [...d.x], y: [...d.y], z, colorscale: 'Blues', reversescale: false, colorbar: { title: { text: colorTitle, side: 'right' }, thickness: 14 }, name: label, hovertemplate: `α=%{x:.3g}<br>β=%{y:.3g}<br>${label}: %{z:.4g}<extra></extra>`, ...extra },
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
    map('interpolation bound', numbers(d.interpolationBound), 'bound (loss)', {}, d.measured ? maskTraces(d.x, d.y, d.measured).slice(1) : []);
  }
  return views.length ? { id: o.id, title: o.title, kind: '2d', views, note: d.target ? `target standard error ${formatNumber(d.target)}` : undefined } : undefined;
}
