// 2-D surfaces L(θ + αx + βy): filled contours (with a PCA training trajectory on its plane, when the axes are
// principal components) and a rotatable WebGL 3-D surface.
import type { Panel } from '../types.js';
import { maskTraces } from './precision.js';
import { axis, baseLayout, figure, finite, finiteRange, formatNumber, LOSS_COLORSCALE, wantsLog } from './theme.js';

export interface SurfaceData {
  x: readonly number[];
  y: readonly number[];
  /** loss[j][i] at (x[i], y[j]); null where not (yet) evaluated. */
  loss: readonly (readonly (number | null)[])[];
  accuracy?: readonly (readonly (number | null)[])[];
}

/** Checkpoints of a training run placed on the surface's plane, in its (α, β) units. */
export interface Trajectory {
  labels: string[];
  x: number[];
  y: number[];
  note?: string;
}

interface Field { label: string; z: (number | null)[][]; colorTitle: string; tick?: { vals: number[]; text: string[] } }

/** Loss (log₁₀ when it spans decades, with ticks in loss units) and accuracy, as the z grids Plotly draws. */
function fields(s: SurfaceData): Field[] {
  const loss = s.loss.map((row) => row.map(finite));
  const out: Field[] = [{ label: 'loss', z: loss, colorTitle: 'loss' }];
  if (wantsLog(loss.flat())) {
    const r = finiteRange(loss.flat())!;
    const vals: number[] = [];
    for (let e = Math.floor(Math.log10(r.min)); e <= Math.ceil(Math.log10(r.max)); e++) vals.push(e);
    out.push({ label: 'log loss', z: loss.map((row) => row.map((v) => (v === null ? null : Math.log10(v)))), colorTitle: 'loss (log)', tick: { vals, text: vals.map((e) => formatNumber(10 ** e)) } });
  }
  if (s.accuracy && s.accuracy.some((row) => row.some((v) => finite(v) !== null))) {
    out.push({ label: 'accuracy', z: s.accuracy.map((row) => row.map(finite)), colorTitle: 'accuracy' });
  }
  return out;
}

function colorbar(f: Field): Record<string, unknown> {
  return { title: { text: f.colorTitle, side: 'right' }, thickness: 14, ...(f.tick ? { tickvals: f.tick.vals, ticktext: f.tick.text } : {}) };
}

export function contourPanel(s: SurfaceData, o: { id: string; title: string; xLabel?: string; yLabel?: string; trajectory?: Trajectory; measured?: readonly (readonly boolean[])[] }): Panel {
  const masked = !!o.measured && o.measured.some((row) => row.some((m) => m === false));
  const views = fields(s).map((f) => {
    const data: Record<string, unknown>[] = [{
      type: 'contour', x: [...s.x], y: [...s.y], z: f.z, colorscale: f.label === 'accuracy' ? 'Cividis' : LOSS_COLORSCALE,
      ncontours: 24, contours: { coloring: 'fill', showlines: true }, line: { width: 0.5, color: 'rgba(255,255,255,0.5)' },
      colorbar: colorbar(f), connectgaps: false, name: f.label, hovertemplate: 'α=%{x:.3g}<br>β=%{y:.3g}<br>%{z:.4g}<extra></extra>',
    }, { type: 'scatter', mode: 'markers', x: [0], y: [0], name: 'θ', marker: { symbol: 'x', size: 10, color: '#fff', line: { width: 1, color: '#000' } }, showlegend: false }];
    if (o.trajectory) {
      data.push({
        type: 'scatter', mode: 'lines+markers', x: o.trajectory.x, y: o.trajectory.y, text: o.trajectory.labels, name: 'training trajectory',
        line: { color: '#ff5252', width: 2 }, marker: { size: 6, color: '#ff5252' }, hovertemplate: '%{text}<br>α=%{x:.3g}, β=%{y:.3g}<extra></extra>',
      });
    }
    if (masked) data.push(...maskTraces(s.x, s.y, o.measured!));
    return {
      label: f.label,
      figure: figure(data, baseLayout(o.title, {
        xaxis: axis(o.xLabel ?? 'α'), yaxis: axis(o.yLabel ?? 'β', { scaleanchor: undefined }), showlegend: !!o.trajectory || masked, margin: { l: 60, r: 20, t: 16, b: 48 },
      })),
    };
  });
  return { id: o.id, title: o.title, kind: '2d', views, note: o.trajectory?.note };
}

export function surface3dPanel(s: SurfaceData, o: { id: string; title: string; xLabel?: string; yLabel?: string }): Panel {
  const views = fields(s).map((f) => ({
    label: f.label,
    figure: figure([{
      type: 'surface', x: [...s.x], y: [...s.y], z: f.z, colorscale: f.label === 'accuracy' ? 'Cividis' : LOSS_COLORSCALE, colorbar: colorbar(f),
      contours: { z: { show: true, usecolormap: true, project: { z: true }, width: 1 } }, name: f.label,
      hovertemplate: 'α=%{x:.3g}<br>β=%{y:.3g}<br>%{z:.4g}<extra></extra>',
    }], baseLayout(o.title, {
      margin: { l: 0, r: 0, t: 0, b: 0 },
      scene: {
        xaxis: { title: { text: o.xLabel ?? 'α' } }, yaxis: { title: { text: o.yLabel ?? 'β' } },
        zaxis: { title: { text: f.colorTitle }, ...(f.tick ? { tickvals: f.tick.vals, ticktext: f.tick.text } : {}) },
        camera: { eye: { x: 1.65, y: -1.65, z: 1.0 } }, aspectmode: 'manual', aspectratio: { x: 1, y: 1, z: 0.7 },
      },
    })),
  }));
  return { id: o.id, title: o.title, kind: 'gl3d', views };
}

interface PcaInfo { component?: unknown; coordinates?: unknown; checkpoints?: unknown; thetaToFinal?: unknown }

/**
 * The trajectory on the plane of a surface whose x and y are pca:DIR:k=1 and pca:DIR:k=2. run.json records each
 * checkpoint's coordinates along the unit principal directions u_k; the axes move by scale·u_k per unit of α (β), so
 * α = coordinate / scale. With a norm other than 'none' the axis is no longer parallel to u_k: the note says so.
 */
export function pcaTrajectory(directionInfo: unknown, specs: readonly string[]): Trajectory | undefined {
  if (!Array.isArray(directionInfo) || directionInfo.length !== 2) return undefined;
  const info = directionInfo.map((d) => (d && typeof d === 'object' ? (d as { pca?: PcaInfo }).pca : undefined));
  if (!info[0] || !info[1]) return undefined;
  const coords = info[0].coordinates;
  if (!Array.isArray(coords) || !coords.every((c) => Array.isArray(c))) return undefined;
  const axes = info.map((p, k) => ({ component: Number(p!.component) - 1, ...scaling(specs[k] ?? '') }));
  const points = (coords as number[][]).map((c) => axes.map((a) => (c[a.component] ?? NaN) / a.scale));
  if (points.some((p) => !p.every(Number.isFinite))) return undefined;
  const names = Array.isArray(info[0].checkpoints) ? (info[0].checkpoints as unknown[]).map((p) => String(p).split('/').pop()!.replace('.safetensors', '')) : [];
  const notes: string[] = [];
  if (axes.some((a) => a.norm !== 'none')) notes.push(`axes normalised with norm=${axes.map((a) => a.norm).join('/')}: the trajectory is drawn with the unnormalised coordinates and is approximate`);
  const offset = Number(info[0].thetaToFinal);
  if (offset > 0) notes.push(`the surface is centred on the evaluated model, ${formatNumber(offset)} (L2) from the trajectory's final checkpoint`);
  return {
    labels: [...points.map((_, i) => names[i] ?? `checkpoint ${i}`), 'final'],
    x: [...points.map((p) => p[0]!), 0],
    y: [...points.map((p) => p[1]!), 0],
    note: notes.length ? notes.join('; ') : undefined,
  };
}

function scaling(spec: string): { norm: string; scale: number } {
  const norm = /(?:^|:)norm=([a-z]+)/.exec(spec)?.[1] ?? 'none';
  const scale = Number(/(?:^|:)scale=([^:\s]+)/.exec(spec)?.[1] ?? 1);
  return { norm, scale: Number.isFinite(scale) && scale !== 0 ? scale : 1 };
}
