// Plots: pure functions from results to SVG strings; svgToPng rasterises; writePlot saves both.
export { curvesPlot, curvesSpec } from './curves.js';
export type { CurveSeries, CurvesPlotOptions } from './curves.js';
export { contourPlot, contourSpec, contourThresholds } from './contour.js';
export type { ContourPlotOptions, LevelScale } from './contour.js';
export { heatmapPlot, heatmapSpec } from './heatmap.js';
export type { HeatmapPlotOptions } from './heatmap.js';
export { surface3dPlot, surface3dSpec } from './surface3d.js';
export type { Surface3dPlotOptions } from './surface3d.js';
export { densityPlot, densitySpec } from './density.js';
export type { Density, DensityPlotOptions } from './density.js';
export type { Surface } from './grid.js';
export type { TitleOptions } from './theme.js';
export { renderSvg, svgToPng } from './render.js';
export type { PngOptions } from './render.js';
export { writePlot } from './write.js';
