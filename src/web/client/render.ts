// Drawing in the browser: one run (head, panels with view toggles, summary, provenance) into a container.
// Serialised into the page: no imports but types, no module-level values (see bundle.ts).
import type { Badge, Panel, RunView } from '../types.js';
import type { Doc, El, PlotlyApi } from './dom.js';
import type { Source } from './source.js';

/** What drawing needs: the page, Plotly, and the view picked in each panel (kept when a live run is redrawn). */
export interface Drawing {
  doc: Doc;
  plotly: PlotlyApi;
  chosen: Map<string, string>;
}

export function el(doc: Doc, tag: string, className?: string, text?: string): El {
  const e = doc.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function badgeEl(doc: Doc, b: Badge): El {
  const e = el(doc, 'span', `badge badge-${b.tone.replace(/[^a-z0-9-]/gi, '')}`, b.text);
  if (b.title) e.title = b.title;
  return e;
}

export function plotConfig(): Record<string, unknown> {
  return { responsive: true, displaylogo: false, modeBarButtonsToRemove: ['sendDataToCloud', 'lasso2d', 'select2d'] };
}

/** Frees the plots (WebGL contexts above all) of a container before it is emptied. */
export function purgePlots(plotly: PlotlyApi, container: El): void {
  const plots = container.querySelectorAll('.plot');
  for (let i = 0; i < plots.length; i++) plotly.purge(plots[i]!);
}

/** One panel: title, a toggle per view when there are several, the plot. Resolves when Plotly has drawn it. */
export function renderPanel(d: Drawing, container: El, panel: Panel): Promise<unknown> {
  const { doc, plotly } = d;
  const box = container.appendChild(el(doc, 'section', `panel panel-${panel.kind}`));
  box.dataset['panelId'] = panel.id;
  const head = box.appendChild(el(doc, 'div', 'panel-head'));
  head.appendChild(el(doc, 'h3', 'panel-title', panel.title));
  const plot = el(doc, 'div', `plot plot-${panel.kind}`);
  const first = panel.views.find((v) => v.label === d.chosen.get(panel.id)) ?? panel.views[0]!;
  plot.dataset['view'] = first.label;
  if (panel.views.length > 1) {
    const toggles = head.appendChild(el(doc, 'div', 'toggles'));
    for (const v of panel.views) {
      const b = toggles.appendChild(el(doc, 'button', v === first ? 'toggle active' : 'toggle', v.label));
      b.dataset['view'] = v.label;
      b.addEventListener('click', () => {
        const all = toggles.querySelectorAll('.toggle');
        for (let i = 0; i < all.length; i++) all[i]!.classList.toggle('active', all[i] === b);
        plot.dataset['view'] = v.label;
        d.chosen.set(panel.id, v.label);
        void plotly.react(plot, v.figure.data, v.figure.layout, plotConfig());
      });
    }
  }
  box.appendChild(plot);
  if (panel.note) box.appendChild(el(doc, 'p', 'note', panel.note));
  return plotly.newPlot(plot, first.figure.data, first.figure.layout, plotConfig());
}

export function progressEl(doc: Doc, done: number, total: number): El {
  const wrap = el(doc, 'div', 'progress');
  wrap.title = `${done} of ${total} points`;
  const bar = wrap.appendChild(el(doc, 'div', 'progress-bar'));
  bar.style['width'] = `${total > 0 ? Math.round((100 * done) / total) : 0}%`;
  wrap.appendChild(el(doc, 'span', 'progress-text', `${done}/${total}`));
  return wrap;
}

/** A run into `container` (emptied first). `compact` leaves out the summary table (side-by-side comparison). */
export async function renderRun(d: Drawing, source: Source, container: El, run: RunView, compact: boolean): Promise<void> {
  const { doc, plotly } = d;
  purgePlots(plotly, container);
  container.replaceChildren();
  container.dataset['runId'] = run.id;
  const head = container.appendChild(el(doc, 'div', 'run-head'));
  head.appendChild(el(doc, 'h2', 'run-title', run.name));
  const meta = head.appendChild(el(doc, 'div', 'run-meta'));
  meta.appendChild(el(doc, 'span', 'kind', run.kind));
  run.badges.forEach((b) => meta.appendChild(badgeEl(doc, b)));
  if (run.progress && run.state !== 'done') head.appendChild(progressEl(doc, run.progress.done, run.progress.total));
  head.appendChild(el(doc, 'div', 'run-path', run.path));
  const links = run.downloads.map((f) => ({ f, url: source.downloadUrl(run.id, f) })).filter((l) => l.url);
  if (links.length) {
    const dl = head.appendChild(el(doc, 'div', 'downloads', 'download: '));
    for (const l of links) {
      const a = dl.appendChild(el(doc, 'a', 'download', l.f.toUpperCase()));
      a.href = l.url!;
      a.dataset['format'] = l.f;
      a.setAttribute('download', '');
    }
  }
  if (run.warnings.length) {
    const w = container.appendChild(el(doc, 'ul', 'warnings'));
    run.warnings.forEach((text) => w.appendChild(el(doc, 'li', undefined, text)));
  }
  const grid = container.appendChild(el(doc, 'div', 'panels'));
  if (run.panels.length === 0) grid.appendChild(el(doc, 'p', 'empty', run.state === 'done' ? 'Nothing to draw in this directory.' : 'No points yet.'));
  const drawn = run.panels.map((p) => renderPanel(d, grid, p));
  if (!compact && run.scalars.length) {
    const table = container.appendChild(el(doc, 'table', 'scalars'));
    for (const [k, v] of run.scalars) {
      const tr = table.appendChild(el(doc, 'tr'));
      tr.appendChild(el(doc, 'th', undefined, k));
      tr.appendChild(el(doc, 'td', undefined, v));
    }
  }
  const prov = container.appendChild(el(doc, 'details', 'provenance'));
  prov.appendChild(el(doc, 'summary', undefined, run.kind === 'train' ? 'Provenance (train.json)' : 'Provenance (run.json)'));
  prov.appendChild(el(doc, 'pre', undefined, JSON.stringify(run.provenance ?? null, null, 1)));
  await Promise.all(drawn);
}
