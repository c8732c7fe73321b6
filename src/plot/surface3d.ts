// A static 3-D view of a loss surface: the grid is projected here (vega has no 3-D) and each cell becomes a
// vega path mark, painted back to front and coloured by height. Using vega marks rather than hand-written SVG
// keeps the title block, colour legend, fonts and escaping identical to the other plots.

import type { Spec, Mark } from 'vega';
import { CONFIG, LOSS_SCHEME, titleBlock, type TitleOptions } from './theme.js';
import { toGrid, nonFiniteNote, type Surface } from './grid.js';
import { resolveLevelScale, type LevelScale } from './contour.js';
import { project, sortedQuads, niceTicks, type View3d, type Projected } from './projection.js';
import { renderSvg } from './render.js';

export interface Surface3dPlotOptions extends TitleOptions, Partial<View3d> {
  xLabel?: string;
  yLabel?: string;
  zLabel?: string;
  /** Height (and colour) scale; 'auto' is log when all values are positive and max/min ≥ 20. */
  zScale?: LevelScale;
  /** Height of the box relative to its ground width. */
  aspectZ?: number;
  width?: number;
  height?: number;
}

interface Point2 { px: number; py: number }

/** The Vega spec alone (for the web layer, or to inspect); surface3dPlot renders it. */
export function surface3dSpec(surface: Surface, options: Surface3dPlotOptions): Spec {
  const g = toGrid(surface, 'surface3dPlot');
  const view: View3d = { elevation: options.elevation ?? 30, azimuth: options.azimuth ?? -55 };
  const width = options.width ?? 480, height = options.height ?? 380;
  const scale = resolveLevelScale(g, options.zScale);
  const h = scale === 'log' ? Math.log : (v: number) => v;
  const [hMin, hMax] = [h(g.min), h(g.max)];
  const x0 = g.x[0]!, x1 = g.x[g.nx - 1]!, y0 = g.y[0]!, y1 = g.y[g.ny - 1]!;
  const half = Math.max(x1 - x0, y1 - y0) / 2;
  const boxZ = options.aspectZ ?? 0.6;
  // Model space: ground centred and scaled to the longer side = 2, height in [0, 2·aspectZ].
  const X = (x: number) => (x - (x0 + x1) / 2) / half;
  const Y = (y: number) => (y - (y0 + y1) / 2) / half;
  const Z = (v: number) => (hMax > hMin ? ((h(v) - hMin) / (hMax - hMin)) * 2 * boxZ : boxZ);
  const at = (x: number, y: number, v: number): Projected => project(X(x), Y(y), Z(v), view);

  const grid: Projected[] = [];
  for (let j = 0; j < g.ny; j++) for (let i = 0; i < g.nx; i++) grid.push(at(g.x[i]!, g.y[j]!, g.values[j * g.nx + i]!));
  const corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]] as const;
  const floor = corners.map(([x, y]) => at(x, y, g.min));
  const top = corners.map(([x, y]) => at(x, y, g.max));
  const toPx = fit([...grid, ...floor, ...top], width, height);

  const quads = sortedQuads(g.nx, g.ny, (i, j) => grid[j * g.nx + i]!.depth, (i, j) => g.values[j * g.nx + i]!)
    .map((q) => ({ path: pathOf(q.corners.map(([i, j]) => toPx(grid[j * g.nx + i]!))), z: q.z }));
  const mesh = g.nx * g.ny <= 3600;

  const centre = toPx(at((x0 + x1) / 2, (y0 + y1) / 2, g.min));
  const edge = (a: number, b: number) => ({ a, b, depth: floor[a]!.depth + floor[b]!.depth });
  const front = (p: ReturnType<typeof edge>, q: ReturnType<typeof edge>) => (p.depth >= q.depth ? p : q);
  const xEdge = front(edge(0, 1), edge(3, 2)), yEdge = front(edge(0, 3), edge(1, 2));
  const zCorner = floor.map((p, k) => ({ k, u: p.u })).reduce((p, q) => (q.u < p.u ? q : p)).k;
  const [zx, zy] = corners[zCorner]!;

  const ticks: { px: number; py: number; text: string; align: string }[] = [];
  const lines: { px: number; py: number; px2: number; py2: number }[] = [];
  const titles: { px: number; py: number; text: string; angle: number }[] = [];
  const outward = (p: Point2, by: number): Point2 => {
    const dx = p.px - centre.px, dy = p.py - centre.py, n = Math.hypot(dx, dy) || 1;
    return { px: p.px + (by * dx) / n, py: p.py + (by * dy) / n };
  };
  const groundAxis = (e: { a: number; b: number }, along: 'x' | 'y', label: string) => {
    const ca = corners[e.a]!;
    const pa = toPx(floor[e.a]!), pb = toPx(floor[e.b]!);
    lines.push({ px: pa.px, py: pa.py, px2: pb.px, py2: pb.py });
    const [lo, hi] = along === 'x' ? [x0, x1] : [y0, y1];
    const zAxisAt = along === 'x' ? zx : zy; // the z axis stands on this corner: its tick labels win there
    for (const t of niceTicks(lo, hi, 4)) {
      if (Math.abs(t - zAxisAt) < 1e-9 * (hi - lo)) continue;
      const p = along === 'x' ? toPx(at(t, ca[1], g.min)) : toPx(at(ca[0], t, g.min));
      const q = outward(p, 16);
      ticks.push({ ...q, text: formatTick(t), align: q.px < p.px - 3 ? 'right' : q.px > p.px + 3 ? 'left' : 'center' });
    }
    const mid = toPx(along === 'x' ? at((x0 + x1) / 2, ca[1], g.min) : at(ca[0], (y0 + y1) / 2, g.min));
    titles.push({ ...outward(mid, 42), text: label, angle: 0 });
  };
  groundAxis(xEdge, 'x', options.xLabel ?? 'α');
  groundAxis(yEdge, 'y', options.yLabel ?? 'β');
  const zBottom = toPx(floor[zCorner]!), zTop = toPx(top[zCorner]!);
  lines.push({ px: zBottom.px, py: zBottom.py, px2: zTop.px, py2: zTop.py });
  for (const t of scale === 'log' ? logTicks(g.min, g.max) : niceTicks(g.min, g.max, 4)) {
    const p = toPx(at(zx, zy, t));
    ticks.push({ px: p.px - 8, py: p.py, text: formatTick(t), align: 'right' });
  }
  titles.push({ px: Math.min(zBottom.px, zTop.px) - 48, py: (zBottom.py + zTop.py) / 2, text: options.zLabel ?? 'loss', angle: -90 });

  const spec: Spec = {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    config: CONFIG, padding: 8, autosize: 'pad', width, height,
    title: titleBlock(options, [`elevation ${view.elevation}°, azimuth ${view.azimuth}°${scale === 'log' ? ', log height' : ''}`, ...nonFiniteNote(g)]),
    data: [
      { name: 'floor', values: [{ path: pathOf(floor.map(toPx)) }] },
      { name: 'quads', values: quads },
      { name: 'axisLines', values: lines },
      { name: 'ticks', values: ticks },
      { name: 'axisTitles', values: titles },
    ],
    scales: [{ name: 'color', type: scale, domain: [g.min, g.max], range: { scheme: LOSS_SCHEME }, zero: false }],
    legends: [{ fill: 'color', type: 'gradient', title: options.zLabel ?? 'loss', gradientLength: Math.min(height, 220) }],
    marks: [
      pathMark('floorOutline', 'floor', { fill: { value: '#f2f2f2' }, stroke: { value: '#bbb' } }),
      pathMark('surfaceQuads', 'quads', {
        fill: { scale: 'color', field: 'z' }, stroke: mesh ? { value: '#222' } : { scale: 'color', field: 'z' },
        strokeOpacity: { value: mesh ? 0.25 : 1 }, strokeWidth: { value: mesh ? 0.4 : 0.3 },
      }),
      { type: 'rule', name: 'axes3d', from: { data: 'axisLines' }, encode: { enter: {
        x: { field: 'px' }, y: { field: 'py' }, x2: { field: 'px2' }, y2: { field: 'py2' }, stroke: { value: '#333' },
      } } },
      { type: 'text', name: 'tickLabels', from: { data: 'ticks' }, encode: { enter: {
        x: { field: 'px' }, y: { field: 'py' }, text: { field: 'text' }, align: { field: 'align' }, baseline: { value: 'middle' },
        fontSize: { value: 10 }, fill: { value: '#333' },
      } } },
      { type: 'text', name: 'axisTitleText', from: { data: 'axisTitles' }, encode: { enter: {
        x: { field: 'px' }, y: { field: 'py' }, text: { field: 'text' }, angle: { field: 'angle' }, align: { value: 'center' },
        baseline: { value: 'middle' }, fontSize: { value: 12 }, fontWeight: { value: 'bold' },
      } } },
    ],
  };
  return spec;
}

export async function surface3dPlot(surface: Surface, options: Surface3dPlotOptions): Promise<string> {
  return renderSvg(surface3dSpec(surface, options));
}

function pathMark(name: string, data: string, style: Record<string, unknown>): Mark {
  return { type: 'path', name, from: { data }, encode: { enter: { x: { value: 0 }, y: { value: 0 }, path: { field: 'path' }, ...style } } } as Mark;
}

/** Maps projected (u, v) into a width × height box (v upwards → pixels downwards), keeping proportions. */
function fit(points: readonly Projected[], width: number, height: number): (p: Projected) => Point2 {
  const us = points.map((p) => p.u), vs = points.map((p) => p.v);
  const [uMin, uMax, vMin, vMax] = [Math.min(...us), Math.max(...us), Math.min(...vs), Math.max(...vs)];
  const margin = 50;
  const k = Math.min((width - 2 * margin) / (uMax - uMin || 1), (height - 2 * margin) / (vMax - vMin || 1));
  const du = (width - k * (uMax - uMin)) / 2, dv = (height - k * (vMax - vMin)) / 2;
  return (p) => ({ px: du + (p.u - uMin) * k, py: dv + (vMax - p.v) * k });
}

function pathOf(points: readonly Point2[]): string {
  return points.map((p, k) => `${k ? 'L' : 'M'}${p.px.toFixed(2)},${p.py.toFixed(2)}`).join('') + 'Z';
}

function formatTick(t: number): string {
  return Math.abs(t) >= 1e4 || (t !== 0 && Math.abs(t) < 1e-3) ? t.toExponential(0) : String(Number(t.toPrecision(4)));
}

/** 1, 2, 5 × 10^k within [min, max], thinned to powers of ten when there are many decades. */
function logTicks(min: number, max: number): number[] {
  const all: number[] = [];
  for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) {
    for (const m of [1, 2, 5]) { const t = m * 10 ** k; if (t >= min && t <= max) all.push(Number(t.toPrecision(6))); }
  }
  return all.length > 6 ? all.filter((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9) : all;
}
