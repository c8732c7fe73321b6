// Figures of terrain connect and terrain plane: loss along the curve vs the straight line; the plane's contour with
// the models, the bend and the curve marked (extra Vega data and marks over the contour figure).
import { join } from 'node:path';
import type { Spec, Mark } from 'vega';
import type { ConnectResult } from '../../core/connect/run.js';
import { contourSpec, curvesPlot, renderSvg, writePlot, type Surface } from '../../plot/index.js';

export async function writeConnectPlot(dir: string, r: ConnectResult, subtitle: string): Promise<string> {
  const series = r.paths.map((p) => ({ label: `${p.label}, barrier ${p.barrier.height.toPrecision(3)}`, lambdas: p.lambdas, loss: p.loss, accuracy: p.accuracy }));
  const title = `Loss along the trained ${r.curve} (${r.bends} bend${r.bends > 1 ? 's' : ''}) and the straight line`;
  const svg = await curvesPlot(series, { title, subtitle, xLabel: 't' });
  return (await writePlot(join(dir, 'connect'), svg)).png;
}

export interface PlaneMarker { label: string; x: number; y: number }

/** The contour of the plane's surface with labelled markers and, when given, a path (a curve's projection). */
export async function writePlanePlot(dir: string, surface: Surface, markers: readonly PlaneMarker[], path: readonly { x: number; y: number }[], title: string, subtitle: string): Promise<string> {
  const spec: Spec = contourSpec(surface, { title, subtitle, xLabel: 'x (along B − A)', yLabel: 'y (towards C)' });
  spec.data = [...(spec.data ?? []), { name: 'markers', values: markers.map((m) => ({ ...m })) }, { name: 'path', values: path.map((p, i) => ({ ...p, i })) }];
  const marks: Mark[] = [
    { type: 'line', from: { data: 'path' }, encode: { enter: {
      x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, stroke: { value: 'white' }, strokeWidth: { value: 2 }, strokeDash: { value: [5, 3] },
    } } },
    { type: 'symbol', from: { data: 'markers' }, encode: { enter: {
      x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, shape: { value: 'circle' }, size: { value: 80 },
      fill: { value: 'white' }, stroke: { value: 'black' }, strokeWidth: { value: 1.2 },
    } } },
    { type: 'text', from: { data: 'markers' }, encode: { enter: {
      x: { scale: 'x', field: 'x', offset: 8 }, y: { scale: 'y', field: 'y', offset: -8 }, text: { field: 'label' },
      fill: { value: 'white' }, fontSize: { value: 12 }, fontWeight: { value: 'bold' },
    } } },
  ];
  const area = (spec.marks ?? []).find((m) => m.name === 'plotArea') as { marks?: Mark[] } | undefined;
  if (!area) throw new Error('contour figure has no plot area to draw the markers in');
  area.marks = [...(area.marks ?? []).filter((m) => m.type !== 'symbol' && m.type !== 'text'), ...marks];
  return (await writePlot(join(dir, 'plane'), await renderSvg(spec))).png;
}
