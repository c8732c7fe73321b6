// The one HTML page of both the report (data and plotly inlined: works offline, from a file) and the served app.
import { clientScript } from './client/bundle.js';
import { TYPE_COLORS } from './figures/theme.js';
import { PAGE_CSS } from './style.js';
import type { ReportData } from './types.js';

export interface PageOptions {
  title: string;
  /** Inlined plotly source (report), or the URL the app loads it from (server). */
  plotly: { inline: string } | { src: string };
  /** Embedded runs (report); absent for the app, which asks the server. */
  data?: ReportData;
  /** How often the app polls the server for progress (ms); 0 never. */
  pollMs?: number;
}

/** Text placed inside <script> must not close it early. */
export function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON inside <script type="application/json">: '<' escaped so no tag can start; JSON.parse restores it. */
export function jsonSafe(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function typeCss(): string {
  return Object.entries(TYPE_COLORS).map(([t, c]) => `.badge-${t}{background:${c};color:#fff}`).join('\n');
}

export function pageHtml(o: PageOptions): string {
  const plotly = 'inline' in o.plotly ? `<script>${scriptSafe(o.plotly.inline)}</script>` : `<script src="${escapeHtml(o.plotly.src)}"></script>`;
  const data = o.data ? `<script type="application/json" id="terrain-data">${jsonSafe(o.data)}</script>` : '';
  const entry = `var dataEl = document.getElementById('terrain-data');
boot(window, window.Plotly, dataEl ? JSON.parse(dataEl.textContent) : null, ${JSON.stringify({ title: o.title, pollMs: o.pollMs ?? 0 })});`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
<link rel="icon" href="data:,">
<style>${PAGE_CSS}
${typeCss()}</style>
</head>
<body>
<header class="top"><span class="brand">terrain</span><span class="page-title">${escapeHtml(o.title)}</span><span id="run-count" class="count"></span>${o.data ? `<span class="generated">generated ${escapeHtml(o.data.generated)} · terrain ${escapeHtml(o.data.version)}</span>` : '<span class="generated live">live</span>'}</header>
<div class="layout">
<nav class="sidebar">
<a id="nav-overview" class="nav-item" href="#/">Overview</a>
<a id="nav-compare" class="nav-item" href="#/compare/">Compare two runs</a>
<div id="run-list"></div>
</nav>
<main id="main"><p class="empty">Loading…</p></main>
</div>
${data}
${plotly}
<script>${scriptSafe(clientScript(entry))}</script>
</body>
</html>
`;
}
