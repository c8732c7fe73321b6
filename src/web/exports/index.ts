// Downloads of a run: CSV (any table), NPY (float64 arrays), VTK PolyData (meshes for ParaView) and PNG (drawn by
// src/plot, the same figures the CLI writes), plus the raw result JSON. The file formats live in core/export (the
// CLI's `terrain export` writes the same files); this shell finds what a run holds, running runs included.
import { ExportError, h5OptionsOf, isLandscapeFormat, LANDSCAPE_FORMAT_NAMES, LANDSCAPE_FORMATS, landscapeBytes, npyFloat64, toCsv, type Cell, type Landscape, type LandscapeFormatName } from '../../core/export/index.js';
import { contourPlot, curvesPlot, densityPlot, svgToPng } from '../../plot/index.js';
import { curveData, isCurve, isObject, isSurface } from '../figures/detect.js';
import { stringifyWithNonFinite } from '../../core/runs/non-finite.js';
import { connectPaths } from '../figures/connect.js';
import { flattenRow, recordsOf } from '../figures/series.js';
import type { Json, LoadedRun } from '../load.js';
import { downloadFormats } from '../view.js';

export { ExportError, toCsv };

/** The landscape formats of core/export's table, then what only the viewer offers: a picture and the raw JSON. */
export const EXPORT_FORMATS = [...LANDSCAPE_FORMAT_NAMES, 'png', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportedFile {
  body: Buffer;
  contentType: string;
  filename: string;
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
  if (format === 'json') return file(stringifyWithNonFinite(r, 1), 'application/json', 'json');
  const landscapeFile = async (f: LandscapeFormatName, l: Landscape): Promise<ExportedFile> => (
    file(await landscapeBytes(f, l, h5OptionsOf(run.config, l)), LANDSCAPE_FORMATS[f].contentType, LANDSCAPE_FORMATS[f].ext));

  if (isCurve(r)) {
    const c = curveData(r);
    if (isLandscapeFormat(format)) return await landscapeFile(format, { kind: 'curve', lambdas: c.lambdas, loss: c.loss, accuracy: c.accuracy, lossStderr: c.lossStderr });
    const svg = await curvesPlot([{ label: c.direction ?? name, lambdas: c.lambdas, loss: c.loss.map((v) => v ?? NaN), accuracy: c.accuracy?.map((v) => v ?? NaN), type: c.type, stderr: c.lossSampleStderr?.map((v) => v ?? NaN), measured: c.measured?.map((m) => m !== false) }], { title: `${name}: loss along ${c.direction ?? 'the direction'}` });
    return file(svgToPng(svg), 'image/png', 'png');
  }
  if (isSurface(r)) {
    const x = col(r, 'x') as number[], y = col(r, 'y') as number[];
    if (isLandscapeFormat(format)) return await landscapeFile(format, { kind: 'surface', x, y, loss: flat(r, 'loss'), accuracy: flat(r, 'accuracy'), lossStderr: flat(r, 'lossStderr') });
    const m = r['measured'];
    const measured = Array.isArray(m) && m.length === y.length && m.every((row) => Array.isArray(row) && row.length === x.length) ? (m as unknown[][]).map((row) => row.map((v) => v !== false)) : undefined;
    const svg = await contourPlot({ x, y, loss: (r['loss'] as (number | null)[][]).map((row) => row.map((v) => v ?? NaN)) }, { title: `${name}: loss surface`, measured });
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
  // A connect run: one row per (split, path, t), the numbers along the curves (its barriers are in the JSON).
  const paths = format === 'csv' ? connectPaths(r) : undefined;
  if (paths) {
    const rows = paths.flatMap((p) => p.lambdas.map((t, i): Cell[] => [p.split, p.path, p.label, t, p.loss[i] ?? null, p.accuracy?.[i] ?? null, p.lossStderr?.[i] ?? null]));
    return file(toCsv(['split', 'path', 'label', 't', 'loss', 'accuracy', 'lossStderr'], rows), 'text/csv', 'csv');
  }
  const records = recordsOf(r);
  if (format === 'csv' && records) {
    const rows = records.map(flattenRow);
    const keys = [...new Set(rows.flatMap((e) => Object.keys(e).filter((k) => ['number', 'string', 'boolean'].includes(typeof e[k]))))];
    return file(toCsv(keys, rows.map((e) => keys.map((k) => (typeof e[k] === 'boolean' ? String(e[k]) : (e[k] as Cell))))), 'text/csv', 'csv');
  }
  throw new ExportError(`${run.found.dir}: no ${format.toUpperCase()} export for a '${run.kind}' run; available: ${downloadFormats(run).join(', ') || 'none'}`);
}

