// Hessian results: eigenvalues by rank and the spectral density (stochastic Lanczos quadrature).
import type { Badge, Panel } from '../types.js';
import { axis, baseLayout, figure, finite, formatNumber, PALETTE } from './theme.js';

export interface HessianData {
  eigenvalues?: readonly (number | null)[];
  /** The most negative eigenvalues (terrain hessian --bottom K). */
  bottomEigenvalues?: readonly (number | null)[];
  trace?: { mean?: unknown; stderr?: unknown };
  density?: { grid?: unknown; values?: unknown };
}

export function eigenvaluePanel(id: string, title: string, eigenvalues: readonly (number | null)[]): Panel {
  const values = eigenvalues.map(finite);
  // Sorted largest first so that rank 1 is λ_max whatever order the file holds (top-k then bottom-k, say).
  const sorted = [...values].filter((v): v is number => v !== null).sort((a, b) => b - a);
  const ranks = sorted.map((_, i) => i + 1);
  const data = [{
    type: 'bar', x: ranks, y: sorted, name: 'eigenvalue', marker: { color: sorted.map((v) => (v < 0 ? PALETTE[2] : PALETTE[0])) },
    hovertemplate: 'rank %{x}: %{y:.5g}<extra></extra>',
  }];
  const layout = baseLayout(title, { xaxis: axis('rank (1 = largest)', { dtick: ranks.length <= 20 ? 1 : undefined }), yaxis: axis('eigenvalue'), showlegend: false });
  const views: Panel['views'] = [{ label: 'linear', figure: figure(data, layout) }];
  if (sorted.length > 1 && sorted.every((v) => v > 0)) views.push({ label: 'log', figure: figure(data, { ...layout, yaxis: axis('eigenvalue (log scale)', { type: 'log' }) }) });
  return { id, title, kind: '2d', views };
}

export function densityPanel(id: string, title: string, grid: readonly number[], values: readonly (number | null)[]): Panel {
  const y = values.map(finite);
  const line = { type: 'scatter', mode: 'lines', x: [...grid], y, fill: 'tozeroy', line: { color: PALETTE[0], width: 1.5 }, name: 'density', hovertemplate: 'λ=%{x:.4g}: %{y:.3g}<extra></extra>' };
  const positive = y.filter((v): v is number => v !== null && v > 0);
  const floor = positive.length ? Math.max(...positive) * 1e-8 : 1e-12;
  const logLine = { ...line, y: y.map((v) => (v === null ? null : Math.max(v, floor))), fill: 'none' };
  return {
    id, title, kind: '2d',
    views: [
      { label: 'log density', figure: figure([logLine], baseLayout(title, { xaxis: axis('eigenvalue'), yaxis: axis('density (log scale)', { type: 'log', exponentformat: 'power' }), showlegend: false })) },
      { label: 'linear', figure: figure([line], baseLayout(title, { xaxis: axis('eigenvalue'), yaxis: axis('density'), showlegend: false })) },
    ],
    note: `values below ${formatNumber(floor)} are drawn at it on the log scale`,
  };
}

export function hessianBadges(h: HessianData): Badge[] {
  const badges: Badge[] = [];
  const mean = finite(h.trace?.mean), se = finite(h.trace?.stderr);
  if (mean !== null) badges.push({ text: `tr(H) = ${formatNumber(mean)}${se !== null ? ` ± ${formatNumber(se)}` : ''}`, tone: 'info', title: 'Hessian trace estimate ± standard error' });
  const eig = [...(h.eigenvalues ?? []), ...(h.bottomEigenvalues ?? [])].map(finite).filter((v): v is number => v !== null);
  if (eig.length) badges.push({ text: `λmax = ${formatNumber(Math.max(...eig))}`, tone: 'info', title: 'largest Hessian eigenvalue' });
  if (eig.length > 1 && Math.min(...eig) < 0) badges.push({ text: `λmin = ${formatNumber(Math.min(...eig))}`, tone: 'warn', title: 'a negative eigenvalue: not a minimum along that direction' });
  return badges;
}
