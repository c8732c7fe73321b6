// Panels for whatever a result file holds, found by its fields rather than its kind, so that every command's
// results draw, and newer ones too: curves (λ or α against loss or measured loss, predictions overlaid), surfaces,
// Hessian spectra, record arrays (histories, per-direction or per-checkpoint tables), and leftover number arrays.
import type { Panel } from '../types.js';
import { curvePanel, curvesOverlayPanel, type CurveData, type Overlay } from './curve.js';
import { densityPanel, eigenvaluePanel } from './hessian.js';
import { arrayPanel, historyPanel, numericFields, type FieldMarker } from './series.js';
import { precisionPanel } from './precision.js';
import { contourPanel, surface3dPanel, type Trajectory } from './surface.js';
import { kindPanels } from './kinds.js';
import { isMatrix, isNumberArray, shortSpec } from './theme.js';

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

/** The curve's abscissa (curve: λ; MLI analysis: α) and ordinate (loss; explain: the measured loss). */
const X_KEYS = ['lambdas', 'alphas'];
const Y_KEYS = ['loss', 'measured'];
const PRECISION_FIELDS = ['samples', 'lossSampleStderr', 'accuracyStderr', 'measured', 'interpolationBound'] as const;
const CURVE_FIELDS = new Set([...X_KEYS, ...Y_KEYS, 'accuracy', 'lossStderr', 'type', 'measuredType', 'features', 'direction', 'spec', ...PRECISION_FIELDS]);
const LABEL_KEYS = ['label', 'name', 'seed', 'restart', 'spec', 'direction', 'id'];
const MAX_DEPTH = 3;
/** Shorter loose arrays are settings (probe positions, a handful of residuals), not data worth a figure. */
const MIN_ARRAY = 8;

export function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The curve an object holds, with `lambdas` inherited from its parent when it has none (gmi's directions). */
export function curveOf(o: Obj, inheritedX?: readonly number[]): CurveData | undefined {
  const xKey = X_KEYS.find((k) => isNumberArray(o[k], 2));
  const x = xKey ? (o[xKey] as number[]) : inheritedX;
  const y = Y_KEYS.map((k) => o[k]).find((v) => isNumberArray(v) && x && v.length === x.length) as (number | null)[] | undefined;
  if (!x || !y) return undefined;
  const sameLength = (v: unknown): (number | null)[] | undefined => (isNumberArray(v) && v.length === x.length ? v : undefined);
  const type = [o['type'], o['measuredType']].find((t) => typeof t === 'string') as string | undefined;
  const direction = [o['direction'], o['spec']].find((t) => typeof t === 'string') as string | undefined;
  const mask = o['measured'];
  const measured = Array.isArray(mask) && mask.length === x.length && mask.every((m) => typeof m === 'boolean' || m === null) ? (mask as (boolean | null)[]) : undefined;
  return {
    lambdas: x, loss: y, accuracy: sameLength(o['accuracy']), lossStderr: sameLength(o['lossStderr']), type, direction,
    samples: sameLength(o['samples']), lossSampleStderr: sameLength(o['lossSampleStderr']), accuracyStderr: sameLength(o['accuracyStderr']),
    measured, interpolationBound: sameLength(o['interpolationBound']),
  };
}

export function isCurve(o: Obj): boolean {
  return curveOf(o) !== undefined;
}

export function curveData(o: Obj): CurveData {
  const c = curveOf(o);
  if (!c) throw new Error('not a curve: expected lambdas (or alphas) and loss (or measured) of the same length');
  return c;
}

export function isSurface(o: Obj): boolean {
  return isNumberArray(o['x'], 2) && isNumberArray(o['y'], 2) && isMatrix(o['loss']) && (o['loss'] as unknown[]).length === (o['y'] as unknown[]).length;
}

/** Arrays beside a curve with one value per λ: predictions (overlaid on the loss) and errors (their own view). */
function curveCompanions(o: Obj, n: number): { overlays: Overlay[]; errors: Overlay[]; used: Set<string> } {
  const overlays: Overlay[] = [], errors: Overlay[] = [], used = new Set<string>();
  const visit = (obj: Obj, path: string, depth: number): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (depth === 0 && CURVE_FIELDS.has(k)) continue;
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
  for (const k of LABEL_KEYS) {
    const v = o[k];
    if (typeof v === 'number') return `${k} ${v}`;
    if (typeof v === 'string') return k === 'spec' || k === 'direction' ? shortSpec(v) : v;
  }
  return `#${i + 1}`;
}

/** gmi: tr(H)/P is what each direction's εᵀHε/‖ε‖² scatters around; mark it on that field's axis. */
function markersOf(parent: Obj): Record<string, FieldMarker> {
  const t = parent['traceOverP'];
  return isObject(t) && typeof t['mean'] === 'number' ? { normalisedCurvature: { value: t['mean'], label: 'tr(H)/P' } } : {};
}

export function panelsFromJson(value: unknown, ctx: DetectContext): Panel[] {
  const panels: Panel[] = [];
  const max = ctx.maxPanels ?? 16;
  const add = (p: Panel | undefined): void => { if (p && panels.length < max) panels.push(p); };
  const title = (path: string, what: string): string => `${ctx.title}${path ? ` · ${path}` : ''} · ${what}`;
  const id = (path: string, what: string): string => `${ctx.id}:${path || '.'}:${what}`;

  const visit = (v: unknown, path: string, depth: number, drawn: readonly string[] = []): void => {
    if (!isObject(v) || depth > MAX_DEPTH) return;
    const used = new Set<string>(drawn);
    const c = curveOf(v);
    if (c) {
      const comp = curveCompanions(v, c.lambdas.length);
      add(curvePanel(c, { id: id(path, 'curve'), title: title(path, c.direction ?? 'curve'), overlays: comp.overlays, errors: comp.errors }));
      comp.used.forEach((k) => used.add(k));
      CURVE_FIELDS.forEach((k) => used.add(k));
    }
    if (isSurface(v)) {
      const s = { x: v['x'] as number[], y: v['y'] as number[], loss: v['loss'] as (number | null)[][], accuracy: isMatrix(v['accuracy']) ? v['accuracy'] : undefined };
      const [xLabel, yLabel] = ctx.axisLabels ?? ['α', 'β'];
      const grid = (k: string): (number | null)[][] | undefined => (isMatrix(v[k]) && (v[k] as unknown[]).length === s.y.length ? (v[k] as (number | null)[][]) : undefined);
      const mask = v['measured'];
      const measured = Array.isArray(mask) && mask.length === s.y.length && mask.every((row) => Array.isArray(row) && row.length === s.x.length) ? (mask as boolean[][]) : undefined;
      add(contourPanel(s, { id: id(path, 'contour'), title: title(path, 'contours'), xLabel, yLabel, trajectory: ctx.trajectory, measured }));
      add(surface3dPanel(s, { id: id(path, 'surface3d'), title: title(path, '3-D surface'), xLabel, yLabel }));
      const adaptive = v['adaptive'];
      add(precisionPanel({
        x: s.x, y: s.y, samples: grid('samples'), lossSampleStderr: grid('lossSampleStderr'), measured, interpolationBound: grid('interpolationBound'),
        target: isObject(adaptive) && typeof adaptive['target'] === 'number' ? adaptive['target'] : undefined,
      }, { id: id(path, 'precision'), title: title(path, measured ? 'measured and interpolated' : 'samples and errors'), xLabel, yLabel }));
      ['x', 'y', 'loss', 'accuracy', 'lossStderr', ...PRECISION_FIELDS].forEach((k) => used.add(k));
    }
    const top = isNumberArray(v['eigenvalues']) ? v['eigenvalues'] : [];
    const bottom = isNumberArray(v['bottomEigenvalues']) ? v['bottomEigenvalues'] : [];
    if (top.length + bottom.length > 0) {
      add(eigenvaluePanel(id(path, 'eigenvalues'), title(path, 'Hessian eigenvalues'), [...top, ...bottom]));
      used.add('eigenvalues').add('bottomEigenvalues');
    }
    const d = v['density'];
    if (isObject(d) && isNumberArray(d['grid'], 2) && isNumberArray(d['values']) && d['values'].length === d['grid'].length) {
      add(densityPanel(id(path, 'density'), title(path, 'spectral density'), d['grid'] as number[], d['values']));
      used.add('density');
    }
    for (const [k, child] of Object.entries(v)) {
      if (used.has(k)) continue;
      const childPath = path ? `${path}.${k}` : k;
      if (X_KEYS.includes(k)) continue; // an abscissa shared by the records below it (gmi), not data on its own
      if (isNumberArray(child, MIN_ARRAY)) add(arrayPanel(id(childPath, 'array'), title(childPath, 'values'), child));
      else if (Array.isArray(child)) visitArray(child, childPath, v, c?.lambdas);
      else visit(child, childPath, depth + 1);
    }
  };

  const visitArray = (arr: unknown[], path: string, parent: Obj, parentX: readonly number[] | undefined): void => {
    const objs = arr.filter(isObject);
    if (objs.length < 2 || objs.length < arr.length) return;
    const inheritedX = parentX ?? X_KEYS.map((k) => parent[k]).find((x): x is number[] => isNumberArray(x, 2));
    const curves = objs.map((o, i) => ({ c: curveOf(o, inheritedX), label: labelOf(o, i) })).filter((x) => x.c);
    if (curves.length >= 2) add(curvesOverlayPanel(id(path, 'curves'), title(path, 'curves'), curves.map((x) => ({ ...x.c!, label: x.label }))));
    // Records that each carry their own history (restarts of a mining run): one trace per record.
    const nested = Object.keys(objs[0]!).find((k) => objs.every((o) => Array.isArray(o[k]) && (o[k] as unknown[]).length >= 2 && (o[k] as unknown[]).every(isObject)));
    if (nested) {
      add(historyPanel(id(path, nested), title(path, `${nested} per record`), objs.map((o, i) => ({ label: labelOf(o, i), rows: (o[nested] as unknown[]).filter(isObject) }))));
    }
    if (numericFields(objs).length >= 1) add(historyPanel(id(path, 'history'), `${ctx.title} · ${path || 'records'}`, [{ label: path || 'records', rows: objs }], markersOf(parent)));
  };

  if (Array.isArray(value)) visitArray(value, '', {}, undefined);
  else {
    // Known kinds (connect, layers, sharpness) first, by their own figures; the generic panels show the rest.
    const own = isObject(value) ? kindPanels(value, ctx) : undefined;
    own?.panels.forEach(add);
    visit(value, '', 0, own?.used);
  }
  return panels;
}
