// terrain report: every run under the given folders, drawn into ONE self-contained HTML file (data and plotly
// inlined), which opens offline from disk and can be mailed or archived as it is.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { loadRun, type LoadedRun } from './load.js';
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

export async function loadAll(found: readonly FoundRun[]): Promise<LoadedRun[]> {
  return Promise.all(found.map((f) => loadRun(f)));
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

export async function writeReport(roots: readonly string[], out: string, options: ReportOptions = {}): Promise<WrittenReport> {
  const data = await buildReportData(roots, options);
  const html = pageHtml({ title: data.title, plotly: { inline: await plotlySource() }, data });
  const path = resolve(out);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, html, 'utf8');
  return { path, runs: data.runs.length, bytes: Buffer.byteLength(html) };
}
