// Figures of a finished curve or surface, written beside result.json (SVG and PNG).
import { join } from 'node:path';
import type { CurveResult, SurfaceResult } from '../../core/landscape/job.js';
import { contourPlot, curvesPlot, heatmapPlot, surface3dPlot, writePlot } from '../../plot/index.js';

export interface PlotTitle {
  model: string;
  data: string;
  bn: string;
}

export async function writeLandscapePlots(dir: string, result: CurveResult | SurfaceResult, t: PlotTitle): Promise<string[]> {
  const subtitle = `${t.model} · ${t.data} · BN ${t.bn}`;
  const written: string[] = [];
  const save = async (name: string, svg: string): Promise<void> => {
    const p = await writePlot(join(dir, name), svg);
    written.push(p.png);
  };
  if (result.kind === 'curve') {
    await save('curve', await curvesPlot(
      [{ label: result.direction, lambdas: result.lambdas, loss: result.loss, accuracy: result.accuracy, type: result.type }],
      { title: `Loss along ${result.direction}`, subtitle },
    ));
  } else {
    const surface = { x: result.x, y: result.y, loss: result.loss };
    const title = `x: ${result.directions[0]} · y: ${result.directions[1]}`;
    await save('contour', await contourPlot(surface, { title, subtitle: `${subtitle} · cos(x,y)=${result.cosineXY.toFixed(3)}` }));
    await save('heatmap', await heatmapPlot(surface, { title, subtitle }));
    await save('surface3d', await surface3dPlot(surface, { title, subtitle }));
  }
  return written;
}
