// TF.js LayersModel import: model.json plus its weight shards → an ONNX graph → a terrain model (via ONNX import).
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { importGraph, type Imported } from '../import/index.js';
import { readRegularFileAs } from '../read-file.js';
import { sizeOf } from '../tensor.js';
import { parseModelJson, TfjsError, type WeightGroup } from './format.js';
import { tfjsToGraph } from './convert.js';
import { decodeShards } from './weights.js';

export { parseModelJson, TfjsError, type TfjsModelJson, type LayerSpec, type WeightGroup } from './format.js';
export { tfjsToGraph, type Converted } from './convert.js';
export { decodeShards } from './weights.js';

export interface TfjsLoaded {
  imported: Imported;
  notes: string[];
  /** model.json's bytes, then each shard's, for hashing. */
  files: Uint8Array[];
}

/** The TF.js model in memory: model.json's parsed JSON and the shard bytes by manifest path. */
export function tfjsToModel(json: unknown, shards: ReadonlyMap<string, Uint8Array>, source: string): { imported: Imported; notes: string[] } {
  const parsed = parseModelJson(json, source);
  const weights = decodeShards(parsed.manifest, shards, source);
  const { graph, notes, unusedWeights } = tfjsToGraph(parsed, weights, source);
  if (unusedWeights.length > 0) notes.push(`weights no layer uses: ${unusedWeights.join(', ')}`);
  return { imported: importGraph(graph, source), notes };
}

/** Bytes a manifest group's weights occupy (an upper bound for quantized ones is not needed: sizes are exact). */
function groupBytes(g: WeightGroup): number {
  return g.weights.reduce((s, w) => s + sizeOf(w.shape) * (w.quantization ? (w.quantization.dtype === 'uint8' ? 1 : 2) : w.dtype === 'bool' ? 1 : 4), 0);
}

export function loadTfjsModel(path: string): TfjsLoaded {
  const text = readRegularFileAs(path, TfjsError);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(text));
  } catch (e) {
    throw new TfjsError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = parseModelJson(json, path);
  const files: Uint8Array[] = [text];
  const shards = new Map<string, Uint8Array>();
  for (const g of parsed.manifest) {
    // Sizes first: a forged manifest must not make us read (or hold) more than its weights need.
    const sizes = g.paths.map((p) => {
      try {
        return statSync(join(dirname(path), p)).size;
      } catch {
        throw new TfjsError(`${path}: weight shard '${p}' is missing beside model.json`);
      }
    });
    const total = sizes.reduce((a, s) => a + s, 0);
    if (total !== groupBytes(g)) throw new TfjsError(`${path}: shards ${g.paths.join(', ')} hold ${total} bytes, the manifest's weights need ${groupBytes(g)}`);
    for (const p of g.paths) {
      if (shards.has(p)) throw new TfjsError(`${path}: weight shard '${p}' is listed twice`);
      const bytes = readRegularFileAs(join(dirname(path), p), TfjsError, { what: `${path}: weight shard` });
      shards.set(p, bytes);
      files.push(bytes);
    }
  }
  return { ...tfjsToModel(json, shards, path), files };
}
