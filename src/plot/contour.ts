// Filled contours with contour lines on top (vega's isocontour transform, i.e. d3-contour's marching squares),
// θ marked at (0, 0).

import type { Spec, Mark } from 'vega';
import { CONFIG, LOSS_SCHEME, titleBlock, type TitleOptions } from './theme.js';
import { toGrid, nonFiniteNote, aspectHeight, checkUniform, type Surface, type Grid } from './grid.js';
import { renderSvg } from './render.js';
import { checkMask, maskLayer, type Mask } from './mask.js';

export type LevelScale = 'linear' | 'log' | 'auto';

export interface ContourPlotOptions extends TitleOptions {
  xLabel?: string;
  yLabel?: string;
  colorLabel?: string;
  /** Number of contour levels. */
  levels?: number;
  /** Level spacing; 'auto' is log when all values are positive and max/min ≥ 20 (a deep basin in high walls). */
  levelScale?: LevelScale;
  width?: number;
  height?: number;
  /** --refine: which points were measured; interpolated cells are greyed and hatched, measured nodes dotted. */
  measured?: Mask;
}

/** Contour thresholds t₀ = min < t₁ < … < t_{L−1} < max, evenly spaced in value or in log value. */
export function contourThresholds(min: number, max: number, levels: number, scale: 'linear' | 'log'): number[] {
  if (scale === 'log' && !(min > 0)) throw new Error(`contour levels: log spacing needs positive values, the minimum is ${min}`);
  return Array.from({ length: levels }, (_, k) => (scale === 'log'
    ? Math.exp(Math.log(min) + ((Math.log(max) - Math.log(min)) * k) / levels)
    : min + ((max - min) * k) / levels));
}

export function resolveLevelScale(g: Pick<Grid, 'min' | 'max'>, scale: LevelScale = 'auto'): 'linear' | 'log' {
  if (scale !== 'auto') return scale;
  return g.min > 0 && g.max / g.min >= 20 ? 'log' : 'linear';
}

/** The Vega spec alone (for the web layer, or to inspect); contourPlot renders it. */
export function contourSpec(surface: Surface, options: ContourPlotOptions): Spec {
  const g = toGrid(surface, 'contourPlot');
  checkUniform(g.x, 'x', 'contourPlot');
  checkUniform(g.y, 'y', 'contourPlot');
  const width = options.width ?? 420, height = options.height ?? aspectHeight(g, width);
  const scale = resolveLevelScale(g, options.levelScale);
  const levels = options.levels ?? 16;
  const thresholds = g.max > g.min ? contourThresholds(g.min, g.max, levels, scale) : [g.min];
  if (options.measured) checkMask(options.measured, g.nx, g.ny, 'contourPlot');
  const mask = options.measured ? maskLayer(g.x, g.y, options.measured, { width, height }) : undefined;
  // d3-contour puts sample (i, j) at (i + 0.5, j + 0.5), rows downwards; map it onto the plot, y upwards.
  const sx = width / (g.nx - 1), sy = height / (g.ny - 1);
  const raster = {
    width: g.nx, height: g.ny, values: g.values,
    scale: [sx, -sy], translate: [-0.5 * sx, height + 0.5 * sy],
  };
  const spec: Spec = {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    config: CONFIG, padding: 8, autosize: 'pad', width, height,
    title: titleBlock(options, [`${thresholds.length} ${scale} levels`, ...nonFiniteNote(g), ...(mask ? [mask.note] : [])]),
    data: [
      { name: 'raster', values: [{ grid: raster }] },
      { name: 'contours', source: 'raster', transform: [{ type: 'isocontour', field: 'grid', thresholds, smooth: true }] },
      { name: 'origin', values: originPoint(g) },
      ...(mask?.data ?? []),
    ],
    scales: [
      { name: 'x', type: 'linear', domain: [g.x[0]!, g.x[g.nx - 1]!], range: 'width', zero: false, nice: false },
      { name: 'y', type: 'linear', domain: [g.y[0]!, g.y[g.ny - 1]!], range: 'height', zero: false, nice: false },
      { name: 'color', type: scale, domain: [thresholds[0]!, g.max], range: { scheme: LOSS_SCHEME }, zero: false },
      ...(mask?.scales ?? []),
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: options.xLabel ?? 'α' },
      { orient: 'left', scale: 'y', title: options.yLabel ?? 'β' },
    ],
    legends: [{ fill: 'color', type: 'gradient', title: options.colorLabel ?? 'loss', gradientLength: Math.min(height, 240) }, ...(mask?.legends ?? [])],
    marks: [{
      type: 'group',
      name: 'plotArea',
      clip: true,
      encode: { enter: { width: { value: width }, height: { value: height } } },
      marks: [contourShapes('contourFill', true), contourShapes('contourLines', false), ...(mask?.marks ?? []), ...originMarks()],
    }],
  };
  return spec;
}

export async function contourPlot(surface: Surface, options: ContourPlotOptions): Promise<string> {
  return renderSvg(contourSpec(surface, options));
}

function contourShapes(name: string, filled: boolean): Mark {
  return {
    type: 'shape', name, from: { data: 'contours' },
    encode: { enter: filled
      ? { fill: { scale: 'color', field: 'contour.value' }, stroke: { scale: 'color', field: 'contour.value' }, strokeWidth: { value: 0.5 } }
      : { stroke: { value: '#1a1a1a' }, strokeOpacity: { value: 0.45 }, strokeWidth: { value: 0.7 } } },
    transform: [{ type: 'geoshape', field: 'datum.contour' }],
  };
}

/** θ is at (0, 0) when the grid reaches it. */
export function originPoint(g: Grid): { x: number; y: number }[] {
  const inside = g.x[0]! <= 0 && 0 <= g.x[g.nx - 1]! && g.y[0]! <= 0 && 0 <= g.y[g.ny - 1]!;
  return inside ? [{ x: 0, y: 0 }] : [];
}

export function originMarks(): Mark[] {
  return [
    { type: 'symbol', from: { data: 'origin' }, encode: { enter: {
      x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, shape: { value: 'cross' }, size: { value: 70 },
      fill: { value: 'white' }, stroke: { value: 'black' }, strokeWidth: { value: 0.8 },
    } } },
    { type: 'text', from: { data: 'origin' }, encode: { enter: {
      x: { scale: 'x', field: 'x', offset: 7 }, y: { scale: 'y', field: 'y', offset: -7 }, text: { value: 'θ' },
      fill: { value: 'white' }, fontSize: { value: 12 }, fontWeight: { value: 'bold' },
    } } },
  ];
}
