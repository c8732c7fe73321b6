// A spectral density (e.g. the Hessian's, from stochastic Lanczos quadrature): values over a grid, drawn as an
// area with its outline; log y for densities that span many decades.

import type { Spec } from 'vega';
import { CONFIG, titleBlock, type TitleOptions } from './theme.js';
import { renderSvg } from './render.js';

export interface Density {
  grid: readonly number[];
  values: readonly number[];
}

export interface DensityPlotOptions extends TitleOptions {
  xLabel?: string;
  yLabel?: string;
  logY?: boolean;
  /** With logY, values below this are drawn at it (default: 1e-8 · the largest value); the subtitle says so. */
  floor?: number;
  width?: number;
  height?: number;
}

/** The Vega spec alone (for the web layer, or to inspect); densityPlot renders it. */
export function densitySpec(density: Density, options: DensityPlotOptions): Spec {
  const { grid, values } = density;
  if (grid.length !== values.length) {
    throw new Error(`densityPlot: grid has ${grid.length} points and values has ${values.length}; they must match`);
  }
  if (grid.length < 2) throw new Error(`densityPlot: need at least 2 grid points, got ${grid.length}`);
  const width = options.width ?? 480, height = options.height ?? 280;
  const finite = values.filter(Number.isFinite);
  const top = finite.length ? Math.max(...finite) : 0;
  const floor = options.floor ?? top * 1e-8;
  let raised = 0, dropped = 0;
  const points = grid.map((x, i) => {
    let v: number | null = values[i]!;
    if (!Number.isFinite(v)) { dropped++; v = null; } else if (options.logY && v < floor) { raised++; v = floor; }
    return { x, v };
  });
  if (options.logY && !(floor > 0)) throw new Error(`densityPlot: log y needs a positive floor, got ${floor} (all values ≤ 0?)`);
  const notes = [
    ...(raised ? [`${raised} values below ${floor.toExponential(1)} drawn at it (log scale)`] : []),
    ...(dropped ? [`${dropped} non-finite values not drawn`] : []),
  ];
  const spec: Spec = {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    config: CONFIG, padding: 8, autosize: 'pad', width, height,
    title: titleBlock(options, notes),
    data: [{ name: 'density', values: points }],
    scales: [
      { name: 'x', type: 'linear', domain: [grid[0]!, grid[grid.length - 1]!], range: 'width', zero: false, nice: false },
      options.logY
        ? { name: 'y', type: 'log', domain: { data: 'density', field: 'v' }, range: 'height', nice: true }
        : { name: 'y', type: 'linear', domain: { data: 'density', field: 'v' }, range: 'height', zero: true, nice: true },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: options.xLabel ?? 'eigenvalue' },
      { orient: 'left', scale: 'y', title: options.yLabel ?? 'density', format: options.logY ? '.0e' : undefined, tickCount: 6 },
    ],
    marks: [
      { type: 'area', name: 'densityArea', from: { data: 'density' }, encode: { enter: {
        x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'v' }, y2: { scale: 'y', value: options.logY ? floor : 0 },
        fill: { value: '#4c78a8' }, fillOpacity: { value: 0.25 }, defined: { signal: 'datum.v != null' },
      } } },
      { type: 'line', name: 'densityLine', from: { data: 'density' }, encode: { enter: {
        x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'v' }, stroke: { value: '#4c78a8' }, strokeWidth: { value: 1.8 },
        defined: { signal: 'datum.v != null' },
      } } },
    ],
  };
  return spec;
}

export async function densityPlot(density: Density, options: DensityPlotOptions): Promise<string> {
  return renderSvg(densitySpec(density, options));
}
