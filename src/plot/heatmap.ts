// One rectangle per grid point, coloured by loss, each spanning halfway to its neighbours; θ marked at (0, 0).

import type { Spec } from 'vega';
import { CONFIG, LOSS_SCHEME, titleBlock, type TitleOptions } from './theme.js';
import { toGrid, nonFiniteNote, aspectHeight, type Surface } from './grid.js';
import { resolveLevelScale, originPoint, originMarks, type LevelScale } from './contour.js';
import { renderSvg } from './render.js';
import { checkMask, maskLayer, type Mask } from './mask.js';

export interface HeatmapPlotOptions extends TitleOptions {
  xLabel?: string;
  yLabel?: string;
  colorLabel?: string;
  /** Colour scale; 'auto' is log when all values are positive and max/min ≥ 20. */
  colorScale?: LevelScale;
  width?: number;
  height?: number;
  /** --refine: which points were measured; interpolated cells are greyed and hatched, measured nodes dotted. */
  measured?: Mask;
}

/** The Vega spec alone (for the web layer, or to inspect); heatmapPlot renders it. */
export function heatmapSpec(surface: Surface, options: HeatmapPlotOptions): Spec {
  const g = toGrid(surface, 'heatmapPlot');
  const width = options.width ?? 420, height = options.height ?? aspectHeight(g, width);
  const xEdges = cellEdges(g.x), yEdges = cellEdges(g.y);
  const cells = [];
  for (let j = 0; j < g.ny; j++) {
    for (let i = 0; i < g.nx; i++) {
      cells.push({ x0: xEdges[i]!, x1: xEdges[i + 1]!, y0: yEdges[j]!, y1: yEdges[j + 1]!, loss: g.values[j * g.nx + i]! });
    }
  }
  const scale = resolveLevelScale(g, options.colorScale);
  if (options.measured) checkMask(options.measured, g.nx, g.ny, 'heatmapPlot');
  const mask = options.measured ? maskLayer(g.x, g.y, options.measured, { width, height }) : undefined;
  const spec: Spec = {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    config: CONFIG, padding: 8, autosize: 'pad', width, height,
    title: titleBlock(options, [...nonFiniteNote(g), ...(mask ? [mask.note] : [])]),
    data: [{ name: 'cells', values: cells }, { name: 'origin', values: originPoint(g) }, ...(mask?.data ?? [])],
    scales: [
      { name: 'x', type: 'linear', domain: [xEdges[0]!, xEdges[g.nx]!], range: 'width', zero: false, nice: false },
      { name: 'y', type: 'linear', domain: [yEdges[0]!, yEdges[g.ny]!], range: 'height', zero: false, nice: false },
      { name: 'color', type: scale, domain: [g.min, g.max], range: { scheme: LOSS_SCHEME }, zero: false },
      ...(mask?.scales ?? []),
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: options.xLabel ?? 'α' },
      { orient: 'left', scale: 'y', title: options.yLabel ?? 'β' },
    ],
    legends: [{ fill: 'color', type: 'gradient', title: options.colorLabel ?? 'loss', gradientLength: Math.min(height, 240) }, ...(mask?.legends ?? [])],
    marks: [
      { type: 'rect', name: 'heatCells', from: { data: 'cells' }, encode: { enter: {
        x: { scale: 'x', field: 'x0' }, x2: { scale: 'x', field: 'x1' }, y: { scale: 'y', field: 'y0' }, y2: { scale: 'y', field: 'y1' },
        fill: { scale: 'color', field: 'loss' }, stroke: { scale: 'color', field: 'loss' }, strokeWidth: { value: 0.3 },
      } } },
      ...(mask?.marks ?? []),
      ...originMarks(),
    ],
  };
  return spec;
}

export async function heatmapPlot(surface: Surface, options: HeatmapPlotOptions): Promise<string> {
  return renderSvg(heatmapSpec(surface, options));
}

/** Cell boundaries: midpoints between coordinates, and half a step beyond the first and last. */
export function cellEdges(v: readonly number[]): number[] {
  const n = v.length;
  const edges = [v[0]! - (v[1]! - v[0]!) / 2];
  for (let i = 0; i + 1 < n; i++) edges.push((v[i]! + v[i + 1]!) / 2);
  edges.push(v[n - 1]! + (v[n - 1]! - v[n - 2]!) / 2);
  return edges;
}
