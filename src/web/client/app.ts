// The viewer: run list, overview, one run, two runs side by side; routes live in the URL hash so views can be
// linked; a live source is polled for progress. Serialised into the page: no imports but types (see bundle.ts).
import type { ReportData, RunSummary } from '../types.js';
import type { El, PlotlyApi, Win } from './dom.js';
import { badgeEl, el, purgePlots, renderPanel, renderRun, type Drawing } from './render.js';
import { embeddedSource, serverSource, type Source } from './source.js';

export type Route = { mode: 'overview' } | { mode: 'run'; id: string } | { mode: 'compare'; a?: string; b?: string };

export interface App extends Drawing {
  win: Win;
  source: Source;
  runs: RunSummary[];
  /** Per run id: state and progress when last drawn, to redraw only what changed. */
  drawn: Map<string, string>;
  renders: number;
  /** The draw in progress (showRoute chains onto it). */
  queue: Promise<void>;
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map((s) => decodeURIComponent(s));
  if (parts[0] === 'run' && parts.length >= 2) return { mode: 'run', id: parts.slice(1).join('/') };
  if (parts[0] === 'compare') return { mode: 'compare', a: parts[1] || undefined, b: parts[2] || undefined };
  return { mode: 'overview' };
}

export function routeHash(r: Route): string {
  if (r.mode === 'run') return `#/run/${encodeURIComponent(r.id)}`;
  if (r.mode === 'compare') return `#/compare/${encodeURIComponent(r.a ?? '')}/${encodeURIComponent(r.b ?? '')}`;
  return '#/';
}

export function runSignature(r: RunSummary): string {
  // A --tolerance run sharpens between finished points: every evaluated block of samples is a change worth drawing.
  return `${r.state}:${r.progress ? `${r.progress.done}/${r.progress.total}:${r.progress.blocks ?? ''}` : ''}`;
}

/** The page's entry point: embedded data (a report file) or the server's API (terrain serve). */
export function boot(win: Win, plotly: PlotlyApi, embedded: ReportData | null, options: { title: string; pollMs: number }): void {
  const source = embedded ? embeddedSource(embedded) : serverSource(win, options.title);
  const app: App = { win, doc: win.document, plotly, chosen: new Map(), source, runs: [], drawn: new Map(), renders: 0, queue: Promise.resolve() };
  win.addEventListener('hashchange', () => { void showRoute(app); });
  void refreshList(app).then(() => showRoute(app));
  if (source.live && options.pollMs > 0) win.setInterval(() => { void poll(app); }, options.pollMs);
}

export async function refreshList(app: App): Promise<void> {
  app.runs = await app.source.list();
  renderSidebar(app);
}

/** Redraws the list, and the shown runs whose state or progress changed since they were drawn. */
export async function poll(app: App): Promise<void> {
  try {
    await refreshList(app);
  } catch (e) {
    console.warn(`terrain: polling failed (${(e as Error).message}); retrying`);
    return;
  }
  const route = parseRoute(app.win.location.hash);
  const shown = route.mode === 'run' ? [route.id] : route.mode === 'compare' ? [route.a, route.b] : [];
  const changed = shown.some((id) => {
    const r = app.runs.find((x) => x.id === id);
    return r && app.drawn.get(r.id) !== runSignature(r);
  });
  if (changed) await showRoute(app);
}

export function renderSidebar(app: App): void {
  const { doc } = app;
  const list = doc.getElementById('run-list')!;
  list.replaceChildren();
  const route = parseRoute(app.win.location.hash);
  const order = ['curve', 'surface', 'hessian', 'train'];
  const kinds = [...new Set(app.runs.map((r) => r.kind))].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
  for (const kind of kinds) {
    const names: Record<string, string> = {
      curve: 'curves', surface: 'surfaces', hessian: 'Hessian', 'hessian-checkpoints': 'Hessian over training', explain: 'explanations',
      gmi: 'Gaussian directions (GMI)', mine: 'mining', train: 'training',
    };
    list.appendChild(el(doc, 'h4', 'group', names[kind] ?? kind));
    for (const r of app.runs.filter((x) => x.kind === kind)) {
      const item = list.appendChild(el(doc, 'a', 'run-item'));
      item.href = routeHash({ mode: 'run', id: r.id });
      item.dataset['id'] = r.id;
      if (route.mode === 'run' && route.id === r.id) item.classList.add('active');
      item.appendChild(el(doc, 'span', 'run-name', r.name));
      const badges = item.appendChild(el(doc, 'span', 'run-badges'));
      r.badges.forEach((b) => badges.appendChild(badgeEl(doc, b)));
    }
  }
  const top = [['overview', doc.getElementById('nav-overview')], ['compare', doc.getElementById('nav-compare')]] as const;
  for (const [mode, e] of top) if (e) e.classList.toggle('active', route.mode === mode);
  const count = doc.getElementById('run-count');
  if (count) count.textContent = `${app.runs.length} run${app.runs.length === 1 ? '' : 's'}`;
}

/** Draws the route in the URL; draws run one after another, so a poll and a click never interleave their output. */
export function showRoute(app: App): Promise<void> {
  app.queue = app.queue.then(() => drawRoute(app));
  return app.queue;
}

export async function drawRoute(app: App): Promise<void> {
  const { doc, plotly, source } = app;
  const main = doc.getElementById('main')!;
  const route = parseRoute(app.win.location.hash);
  const key = route.mode === 'run' ? `run:${route.id}` : route.mode;
  doc.body.dataset['ready'] = '';
  renderSidebar(app);
  purgePlots(plotly, main);
  main.replaceChildren();
  try {
    if (route.mode === 'run') {
      const view = await source.view(route.id);
      app.drawn.set(view.id, runSignature(view));
      await renderRun(app, source, main.appendChild(el(doc, 'div', 'run')), view, false);
    } else if (route.mode === 'compare') {
      await showCompare(app, main, route);
    } else {
      main.appendChild(el(doc, 'h2', 'run-title', source.title()));
      main.appendChild(el(doc, 'p', 'lead', `${app.runs.length} runs. Pick one on the left, or compare two.`));
      const grid = main.appendChild(el(doc, 'div', 'panels'));
      await Promise.all((await source.overview()).map((p) => renderPanel(app, grid, p)));
    }
  } catch (e) {
    main.appendChild(el(doc, 'p', 'error', `Could not show ${key}: ${(e as Error).message}`));
    console.error(e);
  }
  app.renders++;
  doc.body.dataset['renders'] = String(app.renders);
  doc.body.dataset['ready'] = key;
}

export async function showCompare(app: App, main: El, route: { a?: string; b?: string }): Promise<void> {
  const { doc, source, runs } = app;
  const withData = runs.filter((r) => r.state === 'done' || (r.progress?.done ?? 0) > 0);
  const a = route.a ?? withData[0]?.id, b = route.b ?? withData.find((r) => r.id !== a && r.kind === withData[0]?.kind)?.id ?? withData[1]?.id;
  const bar = main.appendChild(el(doc, 'div', 'compare-bar'));
  const pick = (side: 'a' | 'b', value: string | undefined): void => {
    bar.appendChild(el(doc, 'label', undefined, side === 'a' ? 'Left ' : ' Right '));
    const select = bar.appendChild(el(doc, 'select', 'compare-select'));
    select.id = `compare-${side}`;
    for (const r of runs) {
      const o = select.appendChild(el(doc, 'option', undefined, `${r.name} (${r.kind})`));
      o.value = r.id;
    }
    select.value = value ?? '';
    select.addEventListener('change', () => {
      const next = { mode: 'compare' as const, a: side === 'a' ? select.value : a, b: side === 'b' ? select.value : b };
      app.win.location.hash = routeHash(next);
    });
  };
  pick('a', a);
  pick('b', b);
  const cols = main.appendChild(el(doc, 'div', 'compare'));
  const jobs = [a, b].map(async (id, k) => {
    const col = cols.appendChild(el(doc, 'div', 'compare-col'));
    col.dataset['side'] = k === 0 ? 'a' : 'b';
    if (!id) { col.appendChild(el(doc, 'p', 'empty', 'Pick a run.')); return; }
    const view = await source.view(id);
    app.drawn.set(view.id, runSignature(view));
    await renderRun(app, source, col, view, true);
  });
  await Promise.all(jobs);
}
