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
  // --tolerance results carry per-point errors (error bars, maps of samples and error); --refine results a mask of
  // measured points (interpolated regions greyed and hatched, measured nodes marked).
  if (result.kind === 'curve') {
    await save('curve', await curvesPlot(
      [{ label: result.direction, lambdas: result.lambdas, loss: result.loss, accuracy: result.accuracy, type: result.type, stderr: result.lossSampleStderr, measured: result.measured }],
      { title: `Loss along ${result.direction}`, subtitle },
    ));
  } else {
    const surface = { x: result.x, y: result.y, loss: result.loss };
    const title = `x: ${result.directions[0]} · y: ${result.directions[1]}`;
    const measured = result.measured;
    await save('contour', await contourPlot(surface, { title, subtitle: `${subtitle} · cos(x,y)=${result.cosineXY.toFixed(3)}`, measured }));
    await save('heatmap', await heatmapPlot(surface, { title, subtitle, measured }));
    await save('surface3d', await surface3dPlot(surface, { title, subtitle }));
    const map = async (name: string, values: number[][] | undefined, what: string, label: string, note = ''): Promise<void> => {
      // A map of a diverged surface's errors may have nothing finite to colour: it is left out, the run is not.
      if (values && values.some((row) => row.some(Number.isFinite))) await save(name, await heatmapPlot({ x: result.x, y: result.y, loss: values }, { title: `${what} · ${title}`, subtitle: `${subtitle}${note}`, colorLabel: label, colorScale: 'linear' }));
    };
    await map('samples', result.samples, 'Samples used', 'samples');
    await map('stderr', result.lossSampleStderr, 'Standard error reached', 'standard error', result.adaptive ? ` · target ${result.adaptive.target.toPrecision(3)}` : '');
  }
  return written;
}
