// Downloads of a run: CSV (any table), NPY (float64 arrays), VTK PolyData (meshes for ParaView) and PNG (drawn by
// src/plot, the same figures the CLI writes), plus the raw result JSON.
import { contourPlot, curvesPlot, densityPlot, svgToPng } from '../../plot/index.js';
import { curveData, isCurve, isObject, isSurface } from '../figures/detect.js';
import { flattenRow, recordsOf } from '../figures/series.js';
import type { Json, LoadedRun } from '../load.js';
import { downloadFormats } from '../view.js';
import { npyFloat64 } from './npy.js';
import { curveVtp, surfaceVtp } from './vtp.js';

export const EXPORT_FORMATS = ['csv', 'npy', 'vtp', 'png', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportedFile {
  body: Buffer;
  contentType: string;
  filename: string;
}

export class ExportError extends Error {}

type Cell = number | string | null | undefined;

export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  const cell = (v: Cell): string => (v === null || v === undefined ? '' : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const col = (o: Json, k: string): (number | null)[] => (Array.isArray(o[k]) ? (o[k] as unknown[]).map(num) : []);
const flat = (o: Json, k: string): (number | null)[] => (Array.isArray(o[k]) ? (o[k] as unknown[]).flatMap((row) => (Array.isArray(row) ? row.map(num) : [])) : []);

export async function exportRun(run: LoadedRun, format: string, name: string): Promise<ExportedFile> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new ExportError(`format '${format}' is not one of ${EXPORT_FORMATS.join(', ')}`);
  const base = name.replace(/[^A-Za-z0-9._-]+/g, '_') || 'run';
  const file = (body: Buffer | string, contentType: string, ext: string): ExportedFile => ({ body: Buffer.from(body), contentType, filename: `${base}.${ext}` });
  const r = run.kind === 'train' ? run.train : run.result;
  if (!r) throw new ExportError(`${run.found.dir}: no result to export yet`);
  if (format === 'json') return file(JSON.stringify(r, null, 1), 'application/json', 'json');

  if (isCurve(r)) {
    const lambdas = col(r, 'lambdas') as number[], loss = col(r, 'loss'), acc = col(r, 'accuracy'), se = col(r, 'lossStderr');
    const at = (a: (number | null)[], i: number): number | null => a[i] ?? null;
    if (format === 'csv') return file(toCsv(['lambda', 'loss', 'accuracy', 'loss_stderr'], lambdas.map((l, i) => [l, at(loss, i), at(acc, i), at(se, i)])), 'text/csv', 'csv');
    if (format === 'npy') return file(npyFloat64([lambdas.length, 4], lambdas.flatMap((l, i) => [l, at(loss, i), at(acc, i), at(se, i)])), 'application/octet-stream', 'npy');
    if (format === 'vtp') return file(curveVtp(lambdas, { loss, accuracy: lambdas.map((_, i) => at(acc, i)), loss_stderr: lambdas.map((_, i) => at(se, i)) }), 'application/xml', 'vtp');
    const c = curveData(r);
    const svg = await curvesPlot([{ label: c.direction ?? name, lambdas: c.lambdas, loss: c.loss.map((v) => v ?? NaN), accuracy: c.accuracy?.map((v) => v ?? NaN), type: c.type }], { title: `${name}: loss along ${c.direction ?? 'the direction'}` });
    return file(svgToPng(svg), 'image/png', 'png');
  }
  if (isSurface(r)) {
    const x = col(r, 'x') as number[], y = col(r, 'y') as number[], loss = flat(r, 'loss');
    const acc = flat(r, 'accuracy'), se = flat(r, 'lossStderr');
    const at = (a: (number | null)[], k: number): number | null => a[k] ?? null;
    const n = x.length * y.length;
    if (format === 'csv') {
      const rows: Cell[][] = [];
      for (let j = 0; j < y.length; j++) for (let i = 0; i < x.length; i++) { const k = j * x.length + i; rows.push([x[i], y[j], at(loss, k), at(acc, k), at(se, k)]); }
      return file(toCsv(['x', 'y', 'loss', 'accuracy', 'loss_stderr'], rows), 'text/csv', 'csv');
    }
    if (format === 'npy') return file(npyFloat64([y.length, x.length], loss), 'application/octet-stream', 'npy');
    if (format === 'vtp') return file(surfaceVtp(x, y, { loss, accuracy: Array.from({ length: n }, (_, k) => at(acc, k)), loss_stderr: Array.from({ length: n }, (_, k) => at(se, k)) }), 'application/xml', 'vtp');
    const svg = await contourPlot({ x, y, loss: (r['loss'] as (number | null)[][]).map((row) => row.map((v) => v ?? NaN)) }, { title: `${name}: loss surface` });
    return file(svgToPng(svg), 'image/png', 'png');
  }
  const eig = col(r, 'eigenvalues'), d = isObject(r['density']) ? r['density'] : undefined;
  if (eig.length || d) {
    const grid = d ? col(d, 'grid') : [], values = d ? col(d, 'values') : [];
    if (format === 'csv') {
      const bottom = col(r, 'bottomEigenvalues');
      const rows: Cell[][] = [...eig.map((v, i) => ['eigenvalue', i + 1, v]), ...bottom.map((v, i) => ['bottom-eigenvalue', i + 1, v]), ...grid.map((g, i) => ['density', g, values[i] ?? null])];
      const t = isObject(r['trace']) ? r['trace'] : undefined;
      if (t) rows.push(['trace', num(t['mean']), num(t['stderr'])]);
      return file(toCsv(['series', 'x', 'y'], rows), 'text/csv', 'csv');
    }
    if (format === 'npy' && eig.length) return file(npyFloat64([eig.length], eig), 'application/octet-stream', 'npy');
    if (format === 'png' && d) {
      const svg = await densityPlot({ grid: grid.map((v) => v ?? NaN), values: values.map((v) => v ?? NaN) }, { title: `${name}: Hessian spectral density`, logY: true });
      return file(svgToPng(svg), 'image/png', 'png');
    }
  }
  const records = recordsOf(r);
  if (format === 'csv' && records) {
    const rows = records.map(flattenRow);
    const keys = [...new Set(rows.flatMap((e) => Object.keys(e).filter((k) => ['number', 'string', 'boolean'].includes(typeof e[k]))))];
    return file(toCsv(keys, rows.map((e) => keys.map((k) => (typeof e[k] === 'boolean' ? String(e[k]) : (e[k] as Cell))))), 'text/csv', 'csv');
  }
  throw new ExportError(`${run.found.dir}: no ${format.toUpperCase()} export for a '${run.kind}' run; available: ${downloadFormats(run).join(', ') || 'none'}`);
}
