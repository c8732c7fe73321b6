// terrain serve: a local viewer of every run under a folder, re-read on each request so running jobs show their
// progress. node:http only; bound to 127.0.0.1, and requests naming another host are refused (DNS rebinding).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ExportError, exportRun } from './exports/index.js';
import { MAX_GRID_POINTS } from '../core/runs/grid.js';
import { dirSignature } from './load.js';
import { pageHtml } from './page.js';
import { plotlySource } from './plotly-asset.js';
import { collectRuns, loadAll, loadSafely } from './report.js';
import { overviewPanels, runSummary, runView } from './view.js';

export const HOST = '127.0.0.1';

export interface ServeOptions {
  root: string;
  /** 0 picks a free port. */
  port: number;
  title?: string;
  /** How often the page polls for progress. */
  pollMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const root = resolve(o.root);
  const title = o.title ?? `terrain: ${root}`;
  const page = pageHtml({ title, plotly: { src: '/assets/plotly.min.js' }, pollMs: o.pollMs ?? 2000 });
  const plotly = await plotlySource();
  let port = o.port;

  const find = async (id: string | null) => {
    if (id === null) throw new HttpError(400, 'missing ?id=RUN');
    const f = (await collectRuns([root])).find((r) => r.id === id);
    if (!f) throw new HttpError(404, `no run '${id}' under ${root}`);
    return f;
  };
  // A finished run's view is built once per version of its files and shared by concurrent requests (a burst of
  // requests for a large run must not build, and hold, one view each). Bounded by the bytes kept.
  const views = new Map<string, { sig: string; body: Promise<string>; bytes: number }>();
  let viewBytes = 0;
  const VIEW_CACHE_BYTES = 64 * 2 ** 20;
  const viewBody = async (id: string | null): Promise<string> => {
    const f = await find(id);
    const sig = await dirSignature(f.dir);
    const hit = views.get(f.id);
    if (hit?.sig === sig) return hit.body;
    if (hit) { viewBytes -= hit.bytes; views.delete(f.id); }
    const built = loadSafely(f).then((run) => ({ done: run.state === 'done', text: JSON.stringify(runView(run)) }));
    const entry = { sig, body: built.then((b) => b.text), bytes: 0 };
    entry.body.catch(() => undefined); // its failure reaches the request through `built`; a shared waiter gets it too
    views.set(f.id, entry);
    let result;
    try {
      result = await built;
    } catch (e) {
      if (views.get(f.id) === entry) views.delete(f.id);
      throw e;
    }
    if (views.get(f.id) !== entry) return result.text;
    // A live run changes with every point: only finished runs are kept.
    if (!result.done || result.text.length > VIEW_CACHE_BYTES / 4) { views.delete(f.id); return result.text; }
    entry.bytes = result.text.length;
    viewBytes += entry.bytes;
    for (const [k, v] of views) {
      if (viewBytes <= VIEW_CACHE_BYTES) break;
      if (v !== entry) { viewBytes -= v.bytes; views.delete(k); }
    }
    return result.text;
  };
  // Downloads carry every point (the page gets at most 201×201): up to the CLI's grid limit, beyond it terrain export.
  const full = async (id: string | null) => {
    const f = await find(id);
    const s = await loadSafely(f, { summaryOnly: true });
    if (s.state === 'error') throw new HttpError(422, s.warnings.join('; '));
    const total = s.progress?.total ?? 0;
    if (total > MAX_GRID_POINTS) throw new HttpError(413, `run '${id}' has ${total.toLocaleString('en-US')} grid points, more than the ${MAX_GRID_POINTS.toLocaleString('en-US')} the viewer exports; use terrain export on its directory`);
    return loadSafely(f, { maxSide: MAX_GRID_POINTS, maxCurve: MAX_GRID_POINTS });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (host !== HOST && host !== 'localhost') throw new HttpError(403, `host '${req.headers.host}' refused; open http://${HOST}:${port}/`);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} not allowed; this server only reads`);
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const send = (status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const json = (v: unknown): void => send(200, 'application/json; charset=utf-8', JSON.stringify(v));
    switch (url.pathname) {
      case '/': case '/index.html': return send(200, 'text/html; charset=utf-8', page);
      case '/assets/plotly.min.js': return send(200, 'text/javascript; charset=utf-8', plotly, { 'cache-control': 'max-age=3600' });
      case '/api/runs': return json({ root, runs: (await loadAll(await collectRuns([root]), { summaryOnly: true })).map(runSummary) });
      case '/api/overview': return json(overviewPanels(await loadAll(await collectRuns([root]), { summaryOnly: true })));
      case '/api/run': return send(200, 'application/json; charset=utf-8', await viewBody(url.searchParams.get('id')));
      case '/api/download': {
        const run = await full(url.searchParams.get('id'));
        const f = await exportRun(run, url.searchParams.get('format') ?? 'csv', run.found.id || 'run');
        return send(200, f.contentType, f.body, { 'content-disposition': `attachment; filename="${f.filename}"` });
      }
      default: throw new HttpError(404, `no page ${url.pathname}`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : e instanceof ExportError ? 400 : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: (e as Error).message }));
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, HOST, () => { server.off('error', fail); ok(); });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/`,
    port,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
