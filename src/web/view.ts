// A loaded run as the viewer shows it: name, state, badges, provenance, summary numbers and panels.
import { basename } from 'node:path';
import { LANDSCAPE_FORMAT_NAMES } from '../core/export/formats.js';
import { curvesOverlayPanel } from './figures/curve.js';
import { curveData, isCurve, isObject, isSurface, panelsFromJson } from './figures/detect.js';
import { hessianBadges } from './figures/hessian.js';
import { historyPanel, recordsOf, trainPanel } from './figures/series.js';
import { PLANE_X_LABEL, PLANE_Y_LABEL, planeInfo, planePanel } from './figures/plane.js';
import { pcaTrajectory, surface3dPanel } from './figures/surface.js';
import { axis, baseLayout, figure, formatNumber, shortSpec, TYPE_COLORS } from './figures/theme.js';
import { isDownsampled, samplingNote } from './downsample.js';
import type { LoadedRun } from './load.js';
import type { Badge, Panel, RunSummary, RunView } from './types.js';

export function runName(run: LoadedRun): string {
  return run.found.id || basename(run.found.dir);
}

export function runSummary(run: LoadedRun): RunSummary {
  const badges: Badge[] = [];
  const r = run.result;
  if (run.state === 'error') badges.push({ text: 'error', tone: 'warn', title: run.warnings.join('\n') });
  else if (run.state !== 'done') {
    const p = run.progress;
    const pass = p?.pass ? ` · pass ${p.pass}` : '';
    badges.push({ text: `${run.state}${p ? ` ${p.done}/${p.total}` : ''}${pass}`, tone: 'state', title: run.state === 'running' ? `files changed within the last minute${p?.blocks ? `; ${p.blocks} sample blocks evaluated, finished points ${p.done} of ${p.total}` : ''}` : 'no result yet and no recent change' });
  }
  if (run.sampling && isDownsampled(run.sampling)) badges.push({ text: 'downsampled', tone: 'warn', title: samplingNote(run.sampling) });
  const type = r && (typeof r['type'] === 'string' ? r['type'] : typeof r['measuredType'] === 'string' ? r['measuredType'] : undefined);
  if (r && type && isCurve(r) && !run.partial) badges.push({ text: type, tone: type in TYPE_COLORS ? type : 'info', title: 'curve type (taxonomy)' });
  if (r && typeof r['vBasinFraction'] === 'number') badges.push({ text: `v-basin ${(100 * r['vBasinFraction']).toFixed(0)}%`, tone: 'v-basin', title: 'share of directions whose curve is a v-basin' });
  if (r && typeof r['successRate'] === 'number') badges.push({ text: `success ${(100 * r['successRate']).toFixed(0)}%`, tone: r['successRate'] > 0 ? 'info' : 'warn', title: 'share of seeds whose held-out curve has the target type' });
  if (r && isSurface(r) && typeof r['cosineXY'] === 'number') badges.push({ text: `cos(x,y) ${r['cosineXY'].toFixed(3)}`, tone: 'info', title: 'cosine between the two directions' });
  if (r) badges.push(...hessianBadges(r));
  if (run.kind === 'train' && run.train) {
    const acc = run.train['testAccuracy'];
    if (typeof acc === 'number') badges.push({ text: `test acc ${(acc * 100).toFixed(1)}%`, tone: 'info' });
  }
  if (run.warnings.length && run.state !== 'error') badges.push({ text: `${run.warnings.length} warning${run.warnings.length > 1 ? 's' : ''}`, tone: 'warn', title: run.warnings.join('\n') });
  return { id: run.found.id, name: runName(run), kind: run.kind, state: run.state, progress: run.progress, badges, downloads: downloadFormats(run) };
}

/** What the server can export for this run: tables for any result, grids and meshes for curves and surfaces. */
export function downloadFormats(run: LoadedRun): string[] {
  const r = run.result;
  if (run.kind === 'train') return run.train && recordsOf(run.train) ? ['csv', 'json'] : run.train ? ['json'] : [];
  if (!r) return [];
  if (isCurve(r) || isSurface(r)) return [...LANDSCAPE_FORMAT_NAMES, 'png', 'json'];
  if (Array.isArray(r['eigenvalues']) || isObject(r['density'])) return ['csv', 'npy', ...(isObject(r['density']) ? ['png'] : []), 'json'];
  return recordsOf(r) ? ['csv', 'json'] : ['json'];
}

export function runView(run: LoadedRun): RunView {
  const summary = runSummary(run);
  const name = summary.name;
  const panels: Panel[] = [];
  let provenance: unknown = run.config;
  if (run.kind === 'train' && run.train) {
    const { epochs, checkpoints, ...rest } = run.train;
    provenance = { ...rest, checkpoints };
    const p = trainPanel(`${run.found.id}:train`, `${name} · training`, Array.isArray(epochs) ? epochs.filter(isObject) : []);
    if (p) panels.push(p);
  }
  const info = isObject(run.config?.info) ? run.config!.info : {};
  const specs = Array.isArray(run.config?.identity?.['directions'])
    ? (run.config!.identity['directions'] as unknown[]).map((d) => (isObject(d) ? String(d['spec'] ?? '').replace(/ \(orthogonalized to x\)$/, '') : ''))
    : [];
  const trajectory = pcaTrajectory(info['directionInfo'], specs);
  // A plane run's axes are its orthonormal basis (file: directions it wrote), named by what they span.
  const onPlane = run.extras.some((e) => e.name === 'plane.json' && planeInfo(e.value));
  const axisLabels: [string, string] | undefined = onPlane ? [PLANE_X_LABEL, PLANE_Y_LABEL] : specs.length === 2 ? [shortSpec(specs[0]!), shortSpec(specs[1]!)] : undefined;
  if (run.result) {
    const own = panelsFromJson(run.result, { id: run.found.id, title: name, trajectory, axisLabels });
    // What a page receives is capped: every figure of a downsampled grid says which points it shows.
    const cut = run.sampling && isDownsampled(run.sampling) ? samplingNote(run.sampling) : undefined;
    const pass = run.partial && run.progress?.pass ? `pass ${run.progress.pass} reached: unfinished points show their estimate so far` : undefined;
    for (const p of own) {
      const notes = [p.note, cut, pass].filter((n): n is string => !!n);
      if (notes.length) p.note = notes.join('; ');
    }
    panels.push(...withPlane(run, own, name));
  }
  for (const extra of run.extras.filter((e) => !(e.name === 'plane.json' && planeInfo(e.value)))) panels.push(...panelsFromJson(extra.value, { id: `${run.found.id}/${extra.name}`, title: `${name}/${extra.name}`, maxPanels: 8 }));
  panels.push(...nestedPanels(run, name));
  return { ...summary, path: run.found.dir, provenance, scalars: scalarsOf(run), panels, warnings: run.warnings };
}

/** terrain plane: the surface's contour gives way to the same contour with the three models, bends and curve marked. */
function withPlane(run: LoadedRun, own: Panel[], name: string): Panel[] {
  const plane = planeInfo(run.extras.find((e) => e.name === 'plane.json')?.value);
  const r = run.result;
  if (!plane || !r || !isSurface(r)) return own;
  const contourId = `${run.found.id}:.:contour`;
  const generic = own.find((p) => p.id === contourId);
  const mask = r['measured'];
  const measured = Array.isArray(mask) && mask.length === (r['y'] as unknown[]).length ? (mask as boolean[][]) : undefined;
  const panel = planePanel({ x: r['x'] as number[], y: r['y'] as number[], loss: r['loss'] as (number | null)[][], accuracy: Array.isArray(r['accuracy']) ? (r['accuracy'] as (number | null)[][]) : undefined },
    plane, { id: `${run.found.id}:plane`, title: `${name} · the plane through A, B, C`, measured });
  if (generic?.note) panel.note = `${generic.note}; ${panel.note ?? ''}`;
  return [panel, ...own.filter((p) => p !== generic)];
}

/**
 * Sub-folder files, grouped so that restarts compare on one figure: every `history.jsonl` (one per mining seed)
 * becomes one trace of a history panel; the result.json of nested curve runs in folders of the same name
 * (seed-N/heldout) are overlaid. A lone nested curve is shown only when the run's own result is not a curve.
 */
export function nestedPanels(run: LoadedRun, name: string): Panel[] {
  const panels: Panel[] = [];
  const logs = new Map<string, { label: string; rows: Record<string, unknown>[] }[]>();
  const results = new Map<string, { label: string; value: Record<string, unknown> }[]>();
  for (const n of run.nested) {
    const parts = n.path.split('/');
    const file = parts.pop()!;
    if (file.endsWith('.jsonl') && Array.isArray(n.value)) {
      const rows = n.value.filter(isObject);
      if (rows.length) logs.set(file, [...(logs.get(file) ?? []), { label: parts.join('/') || file, rows }]);
    } else if (isObject(n.value)) {
      const group = parts.slice(1).join('/') || parts[0]!;
      results.set(group, [...(results.get(group) ?? []), { label: parts.length > 1 ? parts[0]! : group, value: n.value }]);
    }
  }
  for (const [file, groups] of logs) {
    const p = historyPanel(`${run.found.id}:nested:${file}`, `${name} · ${file}${groups.length > 1 ? ` (${groups.length} logs)` : ''}`, groups);
    if (p) panels.push(p);
  }
  const ownCurve = !!run.result && isCurve(run.result);
  for (const [group, items] of results) {
    const curves = items.filter((i) => isCurve(i.value));
    if (curves.length >= 2) {
      panels.push(curvesOverlayPanel(`${run.found.id}:nested:${group}`, `${name} · ${group} curves`, curves.map((c) => ({ ...curveData(c.value), label: c.label }))));
    } else if (curves.length === 1 && !ownCurve) {
      panels.push(...panelsFromJson(curves[0]!.value, { id: `${run.found.id}:nested:${group}`, title: `${name} · ${group}`, maxPanels: 2 }));
    }
    for (const other of items.filter((i) => !isCurve(i.value)).slice(0, 4)) {
      panels.push(...panelsFromJson(other.value, { id: `${run.found.id}:nested:${group}:${other.label}`, title: `${name} · ${other.label}/${group}`, maxPanels: 4 }));
    }
  }
  return panels;
}

/** Numbers, booleans and short strings of the result and its sub-objects (one level), for the summary table. */
function scalarsOf(run: LoadedRun): [string, string][] {
  const out: [string, string][] = [];
  const src = run.kind === 'train' ? run.train : run.result;
  const put = (k: string, v: unknown): void => {
    if (typeof v === 'number') out.push([k, formatNumber(v)]);
    else if (typeof v === 'boolean') out.push([k, String(v)]);
    else if (typeof v === 'string' && v.length <= 160) out.push([k, v]);
  };
  for (const [k, v] of Object.entries(src ?? {})) {
    if (k === 'epochs') continue;
    if (isObject(v)) for (const [k2, v2] of Object.entries(v)) put(`${k}.${k2}`, v2);
    else put(k, v);
  }
  return out.slice(0, 60);
}

/** The landing page: every finished curve on one set of axes, how many curves fall in each type, the first surfaces. */
export function overviewPanels(runs: readonly LoadedRun[]): Panel[] {
  const panels: Panel[] = [];
  const curves = runs.filter((r) => r.result && !r.partial && isCurve(r.result)).map((r) => ({ ...curveData(r.result!), label: runName(r) }));
  if (curves.length) {
    const all = curvesOverlayPanel('overview:curves', `All curves (${curves.length})`, curves);
    // Curves of very different heights (a gradient direction beside Gaussian ones) read better on a log axis.
    const log = all.views.findIndex((v) => v.label === 'log loss');
    if (log > 0) all.views.unshift(...all.views.splice(log, 1));
    panels.push(all);
  }
  for (const r of runs.filter((x) => x.result && !x.partial && isSurface(x.result)).slice(0, 2)) {
    const res = r.result!;
    const s = { x: res['x'] as number[], y: res['y'] as number[], loss: res['loss'] as (number | null)[][] };
    panels.push(surface3dPanel(s, { id: `overview:${r.found.id}:surface3d`, title: `${runName(r)} · 3-D surface` }));
  }
  if (curves.length) {
    const counts = new Map<string, number>();
    for (const c of curves) counts.set(c.type ?? 'unclassified', (counts.get(c.type ?? 'unclassified') ?? 0) + 1);
    const types = [...counts.keys()];
    panels.push({
      id: 'overview:types', title: 'Curve types', kind: '2d',
      views: [{ label: 'count', figure: figure([{ type: 'bar', x: types, y: types.map((t) => counts.get(t)), marker: { color: types.map((t) => TYPE_COLORS[t] ?? '#888') }, name: 'curves' }], baseLayout('Curve types', { xaxis: axis('type'), yaxis: axis('curves', { dtick: 1 }), showlegend: false })) }],
    });
  }
  return panels;
}
