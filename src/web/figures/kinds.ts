// Panels of their own for result kinds the generic detection would only half show: connect, layers, sharpness
// (the plane's markers come from plane.json beside a surface; see view.ts). Each returns the fields it drew.
import type { Panel } from '../types.js';
import { connectPanels } from './connect.js';
import { layersPanels } from './layers.js';
import { sharpnessPanels } from './sharpness.js';

export function kindPanels(result: Record<string, unknown>, ctx: { id: string; title: string }): { panels: Panel[]; used: string[] } | undefined {
  return connectPanels(result, ctx) ?? layersPanels(result, ctx) ?? sharpnessPanels(result, ctx);
}
