// Panels for whatever a result file holds, found by its fields rather than its kind, so that results written by
// newer commands (explain, gmi, mine, …) still draw: curves (with predictions overlaid), surfaces, Hessian spectra,
// histories (arrays of records), and leftover number arrays.
import type { Panel } from '../types.js';
import { curvePanel, curvesOverlayPanel, type CurveData, type Overlay } from './curve.js';
import { densityPanel, eigenvaluePanel } from './hessian.js';
import { arrayPanel, historyPanel, numericFields } from './series.js';
import { contourPanel, surface3dPanel, type Trajectory } from './surface.js';
import { isMatrix, isNumberArray } from './theme.js';

type Obj = Record<string, unknown>;

export interface DetectContext {
  /** Prefix of panel ids (unique per run). */
  id: string;
  /** Prefix of titles: the run's name. */
  title: string;
  trajectory?: Trajectory;
  /** Axis names of a surface (its direction specs). */
  axisLabels?: [string, string];
  maxPanels?: number;
}

const CURVE_KEYS = new Set(['lambdas', 'loss', 'accuracy', 'lossStderr']);
const LABEL_KEYS = ['label', 'name', 'seed', 'restart', 'direction', 'id'];
const MAX_DEPTH = 3;

export function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function isCurve(o: Obj): boolean {
  return isNumberArray(o['lambdas'], 2) && isNumberArray(o['loss']) && (o['loss'] as unknown[]).length === (o['lambdas'] as unknown[]).length;
}

export function isSurface(o: Obj): boolean {
  return isNumberArray(o['x'], 2) && isNumberArray(o['y'], 2) && isMatrix(o['loss']) && (o['loss'] as unknown[]).length === (o['y'] as unknown[]).length;
}

export function curveData(o: Obj): CurveData {
  return {
    lambdas: o['lambdas'] as number[], loss: o['loss'] as (number | null)[],
    accuracy: isNumberArray(o['accuracy']) ? o['accuracy'] : undefined,
    lossStderr: isNumberArray(o['lossStderr']) ? o['lossStderr'] : undefined,
    type: typeof o['type'] === 'string' ? o['type'] : undefined,
    direction: typeof o['direction'] === 'string' ? o['direction'] : undefined,
  };
}

/** Arrays beside a curve with one value per λ: predictions (overlaid on the loss) and errors (their own view). */
function curveCompanions(o: Obj): { overlays: Overlay[]; errors: Overlay[]; used: Set<string> } {
  const n = (o['lambdas'] as unknown[]).length;
  const overlays: Overlay[] = [], errors: Overlay[] = [], used = new Set(CURVE_KEYS);
  const visit = (obj: Obj, path: string, depth: number): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (depth === 0 && CURVE_KEYS.has(k)) continue;
      const name = path ? `${path}.${k}` : k;
      if (isNumberArray(v) && v.length === n) {
        (/err|stderr|residual/i.test(k) ? errors : overlays).push({ label: name, values: v });
        if (depth === 0) used.add(k);
      } else if (isObject(v) && depth < 1 && Object.values(v).some((x) => isNumberArray(x) && x.length === n)) {
        visit(v, name, depth + 1);
        used.add(k);
      }
    }
  };
  visit(o, '', 0);
  return { overlays, errors, used };
}

function labelOf(o: Obj, i: number): string {
  for (const k of LABEL_KEYS) if (typeof o[k] === 'string' || typeof o[k] === 'number') return k === 'seed' || k === 'restart' ? `${k} ${o[k]}` : String(o[k]);
  return `#${i + 1}`;
}

export function panelsFromJson(value: unknown, ctx: DetectContext): Panel[] {
  const panels: Panel[] = [];
  const max = ctx.maxPanels ?? 16;
  const add = (p: Panel | undefined): void => { if (p && panels.length < max) panels.push(p); };
  const title = (path: string, what: string): string => `${ctx.title}${path ? ` · ${path}` : ''} · ${what}`;
  const id = (path: string, what: string): string => `${ctx.id}:${path || '.'}:${what}`;

  const visit = (v: unknown, path: string, depth: number): void => {
    if (Array.isArray(v)) return visitArray(v, path);
    if (!isObject(v) || depth > MAX_DEPTH) return;
    const used = new Set<string>();
    if (isCurve(v)) {
      const c = curveData(v), comp = curveCompanions(v);
      add(curvePanel(c, { id: id(path, 'curve'), title: title(path, c.direction ?? 'curve'), overlays: comp.overlays, errors: comp.errors }));
      comp.used.forEach((k) => used.add(k));
      used.add('type').add('features').add('direction');
    }
    if (isSurface(v)) {
      const s = { x: v['x'] as number[], y: v['y'] as number[], loss: v['loss'] as (number | null)[][], accuracy: isMatrix(v['accuracy']) ? v['accuracy'] : undefined };
      const [xLabel, yLabel] = ctx.axisLabels ?? ['α', 'β'];
      add(contourPanel(s, { id: id(path, 'contour'), title: title(path, 'contours'), xLabel, yLabel, trajectory: ctx.trajectory }));
      add(surface3dPanel(s, { id: id(path, 'surface3d'), title: title(path, '3-D surface'), xLabel, yLabel }));
      ['x', 'y', 'loss', 'accuracy', 'lossStderr'].forEach((k) => used.add(k));
    }
    if (isNumberArray(v['eigenvalues'])) {
      add(eigenvaluePanel(id(path, 'eigenvalues'), title(path, 'Hessian eigenvalues'), v['eigenvalues']));
      used.add('eigenvalues');
    }
    const d = v['density'];
    if (isObject(d) && isNumberArray(d['grid'], 2) && isNumberArray(d['values']) && d['values'].length === d['grid'].length) {
      add(densityPanel(id(path, 'density'), title(path, 'spectral density'), d['grid'] as number[], d['values']));
      used.add('density');
    }
    for (const [k, child] of Object.entries(v)) {
      if (used.has(k)) continue;
      const childPath = path ? `${path}.${k}` : k;
      if (isNumberArray(child, 3)) add(arrayPanel(id(childPath, 'array'), title(childPath, 'values'), child));
      else visit(child, childPath, depth + 1);
    }
  };

  const visitArray = (arr: unknown[], path: string): void => {
    const objs = arr.filter(isObject);
    if (objs.length < 2 || objs.length < arr.length) return;
    const curves = objs.filter(isCurve);
    if (curves.length >= 2) add(curvesOverlayPanel(id(path, 'curves'), title(path, 'curves'), curves.map((c, i) => ({ ...curveData(c), label: labelOf(c, i) }))));
    // Records that each carry their own history (restarts of a mining run): one trace per record.
    const nested = Object.keys(objs[0]!).find((k) => objs.every((o) => Array.isArray(o[k]) && (o[k] as unknown[]).every((r) => isObject(r) || typeof r === 'number')) && (objs[0]![k] as unknown[]).length >= 2);
    if (nested) {
      add(historyPanel(id(path, nested), title(path, nested), objs.map((o, i) => ({
        label: labelOf(o, i),
        rows: (o[nested] as unknown[]).map((r, step) => (isObject(r) ? r : { step, [nested]: r as number })),
      }))));
    }
    if (numericFields(objs).length >= 1) add(historyPanel(id(path, 'history'), title(path, 'history'), [{ label: path || 'history', rows: objs }]));
  };

  visit(value, '', 0);
  return panels;
}
