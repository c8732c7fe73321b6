// plotly.js (the dist-min bundle) read from node_modules, to inline in a report or serve to the app.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

let cached: Promise<string> | undefined;

export function plotlyPath(): string {
  try {
    return createRequire(import.meta.url).resolve('plotly.js-dist-min/plotly.min.js');
  } catch {
    throw new Error("plotly.js-dist-min is not installed (the report and the viewer need it); run 'npm ci' in the terrain folder");
  }
}

export function plotlySource(): Promise<string> {
  cached ??= readFile(plotlyPath(), 'utf8');
  return cached;
}
