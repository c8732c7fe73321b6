// Where the client gets runs from: the data embedded in a report file, or the local server's JSON API.
// Serialised into the page: no imports but types, no module-level values (see bundle.ts).
import type { Panel, ReportData, RunSummary, RunView } from '../types.js';
import type { Win } from './dom.js';

export interface Source {
  /** Whether runs can change while the page is open (polled for progress). */
  live: boolean;
  title(): string;
  list(): Promise<RunSummary[]>;
  view(id: string): Promise<RunView>;
  overview(): Promise<Panel[]>;
  /** A link to export a run, where the source can make files. */
  downloadUrl(id: string, format: string): string | undefined;
}

export function embeddedSource(data: ReportData): Source {
  const byId = new Map(data.runs.map((r) => [r.id, r]));
  return {
    live: false,
    title: () => data.title,
    list: async () => data.runs.map(({ path: _p, provenance: _pr, scalars: _s, panels: _pa, warnings: _w, ...summary }) => summary),
    view: async (id) => {
      const r = byId.get(id);
      if (!r) throw new Error(`no run '${id}' in this report`);
      return r;
    },
    overview: async () => data.overview,
    downloadUrl: () => undefined,
  };
}

export function serverSource(win: Win, title: string): Source {
  const get = async (url: string): Promise<unknown> => {
    const res = await win.fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    live: true,
    title: () => title,
    list: async () => ((await get('/api/runs')) as { runs: RunSummary[] }).runs,
    view: async (id) => (await get(`/api/run?id=${encodeURIComponent(id)}`)) as RunView,
    overview: async () => (await get('/api/overview')) as Panel[],
    downloadUrl: (id, format) => `/api/download?id=${encodeURIComponent(id)}&format=${encodeURIComponent(format)}`,
  };
}
