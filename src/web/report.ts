// terrain report: every run under the given folders, drawn into ONE self-contained HTML file (data and plotly
// inlined), which opens offline from disk and can be mailed or archived as it is.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { loadRun, type LoadedRun, type LoadOptions } from './load.js';
import { pageHtml } from './page.js';
import { plotlySource } from './plotly-asset.js';
import { scanRuns, type FoundRun } from './scan.js';
import type { ReportData } from './types.js';
import { overviewPanels, runView } from './view.js';

export interface ReportOptions {
  title?: string;
  now?: Date;
  /** terrain's version, printed in the page. */
  version?: string;
  /** The largest page written (default MAX_REPORT_BYTES). */
  maxBytes?: number;
}

/** Runs under several roots; with more than one root, ids start with the root's folder name so they stay unique. */
export async function collectRuns(roots: readonly string[]): Promise<FoundRun[]> {
  const all: FoundRun[] = [];
  const seen = new Set<string>();
  for (const root of roots) {
    const abs = resolve(root);
    for (const f of await scanRuns(abs)) {
      let id = roots.length > 1 || f.id === '' ? [basename(abs), f.id].filter(Boolean).join('/') : f.id;
      for (let k = 2; seen.has(id); k++) id = `${id}~${k}`;
      seen.add(id);
      all.push({ ...f, id });
    }
  }
  return all;
}

/** A run that takes longer than this to read is shown as an error (its reading goes on, the answer does not wait). */
export const LOAD_TIMEOUT_MS = 30_000;
/** Runs read at once: bounds memory to a few runs' worth of figures however many runs a folder holds. */
const LOAD_CONCURRENCY = 4;

/** One run, its failure (unreadable, hostile, too slow) kept to itself: an 'error' entry naming the problem. */
export async function loadSafely(found: FoundRun, options: LoadOptions = {}): Promise<LoadedRun> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => { timer = setTimeout(() => fail(new Error(`reading the directory took longer than ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS); });
  try {
    return await Promise.race([loadRun(found, options), timeout]);
  } catch (e) {
    return { found, kind: 'unknown', state: 'error', partial: false, extras: [], nested: [], warnings: [`cannot show this run: ${(e as Error).message}`] };
  } finally {
    clearTimeout(timer);
  }
}

export async function loadAll(found: readonly FoundRun[], options: LoadOptions = {}): Promise<LoadedRun[]> {
  const out = new Array<LoadedRun>(found.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < found.length) {
      const k = next++;
      out[k] = await loadSafely(found[k]!, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, found.length) }, lane));
  return out;
}

export async function buildReportData(roots: readonly string[], options: ReportOptions = {}): Promise<ReportData> {
  const runs = await loadAll(await collectRuns(roots));
  return {
    title: options.title ?? `terrain report: ${roots.map((r) => basename(resolve(r))).join(', ')}`,
    generated: (options.now ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z'),
    version: options.version ?? 'unknown',
    overview: overviewPanels(runs),
    runs: runs.map(runView),
  };
}

export interface WrittenReport {
  path: string;
  runs: number;
  bytes: number;
}

/** The largest report written: figures are already cut to 201×201 per surface, so only very many runs reach it. */
export const MAX_REPORT_BYTES = 256 * 2 ** 20;

/** A report that would exceed MAX_REPORT_BYTES (a bad-input error: report fewer runs). */
export class ReportTooLargeError extends Error {}

export async function writeReport(roots: readonly string[], out: string, options: ReportOptions = {}): Promise<WrittenReport> {
  const data = await buildReportData(roots, options);
  const limit = options.maxBytes ?? MAX_REPORT_BYTES;
  const tooLarge = (size: string): ReportTooLargeError => new ReportTooLargeError(`report: the ${data.runs.length} runs under ${roots.join(', ')} make a page of ${size}, more than the ${(limit / 2 ** 20).toFixed(limit < 2 ** 20 ? 2 : 0)} MiB limit of one report; report fewer runs at once (name sub-folders)`);
  let html: string;
  try {
    html = pageHtml({ title: data.title, plotly: { inline: await plotlySource() }, data });
  } catch (e) {
    if (e instanceof RangeError) throw tooLarge('more than 512 MiB'); // past V8's longest string
    throw e;
  }
  if (html.length > limit) throw tooLarge(`${(html.length / 2 ** 20).toFixed(0)} MiB`);
  const path = resolve(out);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, html, 'utf8');
  return { path, runs: data.runs.length, bytes: Buffer.byteLength(html) };
}
