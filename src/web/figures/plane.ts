// terrain plane: the contour of the surface on the plane through three models, with the models, the bends of a
// trained curve and the curve itself (plane.json beside the surface's result.json) marked and labelled.
import type { Panel } from '../types.js';
import { contourPanel, type SurfaceData } from './surface.js';
import { formatNumber } from './theme.js';

import { isObject as isObj } from './detect.js';

type Obj = Record<string, unknown>;

export interface PlanePoint { label: string; x: number; y: number; offPlane?: number; path?: string }

export interface PlaneInfo {
  models: PlanePoint[];
  bends: PlanePoint[];
  curve: { x: number; y: number }[];
  curveDir?: string;
}

export const PLANE_X_LABEL = 'x: along B − A (parameter distance)';
export const PLANE_Y_LABEL = 'y: towards C, ⊥ to x';

const point = (v: unknown, i: number, prefix: string): PlanePoint | undefined => {
  if (!isObj(v) || typeof v['x'] !== 'number' || typeof v['y'] !== 'number') return undefined;
  return {
    label: typeof v['label'] === 'string' ? v['label'] : `${prefix} ${i + 1}`, x: v['x'], y: v['y'],
    ...(typeof v['offPlane'] === 'number' ? { offPlane: v['offPlane'] } : {}), ...(typeof v['path'] === 'string' ? { path: v['path'] } : {}),
  };
};

/** plane.json as written by terrain plane (kind 'plane', three models with plane coordinates), else undefined. */
export function planeInfo(v: unknown): PlaneInfo | undefined {
  if (!isObj(v) || v['kind'] !== 'plane' || !Array.isArray(v['models'])) return undefined;
  const models = v['models'].map((m, i) => point(m, i, 'model'));
  if (models.length !== 3 || models.some((m) => !m)) return undefined;
  const c = isObj(v['curve']) ? v['curve'] : {};
  const list = (a: unknown, prefix: string): PlanePoint[] => (Array.isArray(a) ? a.map((p, i) => point(p, i, prefix)).filter((p): p is PlanePoint => !!p) : []);
  return { models: models as PlanePoint[], bends: list(c['bends'], 'bend'), curve: list(c['path'], 'point'), ...(typeof c['dir'] === 'string' ? { curveDir: c['dir'] } : {}) };
}

/** Models and bends to mark: a bend that is one of the models (C = DIR/bend-1) shares its marker, both names. */
export function planeMarkers(p: PlaneInfo): { models: PlanePoint[]; bends: PlanePoint[] } {
  const span = Math.max(1e-12, ...p.models.map((m) => Math.hypot(m.x, m.y)));
  const models = p.models.map((m) => ({ ...m }));
  const bends: PlanePoint[] = [];
  for (const b of p.bends) {
    const same = models.find((m) => Math.hypot(m.x - b.x, m.y - b.y) <= 1e-6 * span);
    if (same) same.label = `${same.label} = ${b.label}`;
    else bends.push(b);
  }
  return { models, bends };
}

const hover = (m: PlanePoint): string =>
  `${m.label}${m.path ? ` (${m.path})` : ''}<br>x=${formatNumber(m.x)}, y=${formatNumber(m.y)}${m.offPlane !== undefined ? `<br>${formatNumber(m.offPlane)} off the plane` : ''}`;

export function planePanel(s: SurfaceData, p: PlaneInfo, o: { id: string; title: string; measured?: readonly (readonly boolean[])[] }): Panel {
  const panel = contourPanel(s, { id: o.id, title: o.title, xLabel: PLANE_X_LABEL, yLabel: PLANE_Y_LABEL, measured: o.measured });
  const { models, bends } = planeMarkers(p);
  const traces: Record<string, unknown>[] = [];
  if (p.curve.length >= 2) {
    traces.push({ type: 'scatter', mode: 'lines', x: p.curve.map((c) => c.x), y: p.curve.map((c) => c.y), name: 'trained curve (projected)', line: { color: '#ff5252', width: 2.5, dash: 'dash' }, hoverinfo: 'skip' });
  }
  traces.push({
    type: 'scatter', mode: 'markers+text', x: models.map((m) => m.x), y: models.map((m) => m.y), text: models.map((m) => m.label), name: 'models',
    textposition: 'top center', textfont: { size: 13, color: '#fff' }, marker: { size: 11, color: '#fff', line: { width: 2, color: '#000' } },
    hovertext: models.map(hover), hoverinfo: 'text',
  });
  if (bends.length) {
    traces.push({
      type: 'scatter', mode: 'markers+text', x: bends.map((b) => b.x), y: bends.map((b) => b.y), text: bends.map((b) => b.label), name: 'bends (projected)',
      textposition: 'bottom center', textfont: { size: 12, color: '#ff5252' }, marker: { size: 10, symbol: 'diamond', color: '#ff5252', line: { width: 1, color: '#000' } },
      hovertext: bends.map(hover), hoverinfo: 'text',
    });
  }
  for (const v of panel.views) {
    v.figure.data.push(...traces);
    v.figure.layout['showlegend'] = true;
  }
  const span = Math.max(1e-12, ...models.map((m) => Math.hypot(m.x, m.y)));
  // float32 weights leave ~1e-7 of a bend that lies in the plane off it: only a real distance is stated.
  const off = p.bends.filter((b) => (b.offPlane ?? 0) > 1e-6 * span).map((b) => `${b.label} ${formatNumber(b.offPlane!)} off the plane`);
  const coord = (v: number): string => formatNumber(Math.abs(v) < 1e-9 * span ? 0 : v); // Gram–Schmidt's rounding, not a distance
  const where = models.map((m) => `${m.label} (${coord(m.x)}, ${coord(m.y)})`).join(', ');
  panel.note = [panel.note, `orthonormal plane coordinates (A at the origin, B on the x axis): ${where}`, ...(p.curveDir ? [`dashed: the curve of ${p.curveDir}, projected`] : []), ...off]
    .filter((n): n is string => !!n).join('; ');
  return panel;
}
