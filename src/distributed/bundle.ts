// A landscape job as content-addressed blobs plus a JSON manifest naming them, so that any worker can rebuild the
// exact PointJob the in-process run evaluates: same model bytes, same float32 batches, same direction vectors.
import type { Model, ModelSpec } from '../ir/model.js';
import { fromOnnxBytes, toOnnxBytes } from '../ir/onnx.js';
import { decodeSafetensors, encodeSafetensors } from '../ir/safetensors.js';
import type { Tensor } from '../ir/tensor.js';
import type { ResolvedDirection } from '../core/directions/resolve.js';
import type { LabeledBatch } from '../core/evaluate/point.js';
import { landscapeThreads, vectorHash, type DataSelection, type LandscapeJob, type PointJob } from '../core/landscape/job.js';
import type { BnMode } from '../core/landscape/bn.js';
import type { AdaptiveOptions } from '../core/landscape/adaptive.js';
import type { LoadedModel } from '../core/model-file.js';
import { ParamLayout, paramsOf } from '../core/params.js';
import type { Range } from '../core/runs/grid.js';
import { readBlob, writeBlobFile, type BlobSource } from './blobs.js';

export const BUNDLE_FORMAT = 'terrain-landscape-bundle/2';

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  kind: 'curve' | 'surface';
  ranges: Range[];
  bn: BnMode;
  /** ORT threads per point session, resolved (the run's identity records the same number). */
  threads: number;
  /** Present when the run's points use one reused session per thread (core/evaluate/sessions.ts). */
  session?: 'reused';
  batchSize: number;
  data: DataSelection;
  /**
   * The model as loaded (any file type, --weights applied): its graph as ONNX bytes with the weights as
   * initializers, plus which initializers are parameters and buffers. `hash` and `path` are the loaded model's.
   */
  model: { blob: string; spec: ModelSpec; params: string[]; buffers: string[]; hash: string; path: string };
  batches: string;
  recomputeBatches: string | null;
  /** Raw little-endian float32 vectors; the blob hash equals the run identity's direction sha256. */
  directions: { blob: string; spec: string; info: ResolvedDirection['info'] }[];
  bufferDeltas: (string | null)[];
  /**
   * --tolerance runs only (absent otherwise, so other manifests hash as before): what a worker needs to rebuild the
   * run's shared permutation (seed; batchSize above) and, for the record, the run's target options.
   */
  adaptive?: AdaptiveOptions;
}

export interface WrittenBundle {
  manifest: string;
  /** Every blob by hash, the manifest included (for shipping through Redis). */
  blobs: Map<string, Uint8Array>;
}

/** Writes the job's blobs and manifest into `<dir>/blobs/`; deterministic: the same job gives the same hashes. */
export async function writeBundle(job: LandscapeJob, dir: string): Promise<WrittenBundle> {
  const m = job.model.model;
  const blobs = new Map<string, Uint8Array>();
  const put = async (bytes: Uint8Array): Promise<string> => {
    const hash = await writeBlobFile(dir, bytes);
    blobs.set(hash, bytes);
    return hash;
  };
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    kind: job.kind,
    ranges: job.ranges.map((r) => ({ from: r.from, to: r.to, count: r.count })),
    bn: job.bn,
    threads: landscapeThreads(job),
    ...(job.session === 'reused' ? { session: 'reused' as const } : {}),
    batchSize: job.batchSize,
    data: job.data,
    model: { blob: await put(toOnnxBytes(m.graph)), spec: m.spec, params: m.params, buffers: m.buffers, hash: job.model.hash, path: job.model.path },
    batches: await put(encodeBatches(job.batches)),
    recomputeBatches: job.recomputeBatches ? await put(encodeBatches(job.recomputeBatches)) : null,
    directions: [],
    bufferDeltas: [],
    ...(job.adaptive ? { adaptive: { tolerance: job.adaptive.tolerance, minSamples: job.adaptive.minSamples, seed: job.adaptive.seed } } : {}),
  };
  for (const d of job.directions) {
    const v = d.vector.data;
    manifest.directions.push({ blob: await put(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)), spec: d.spec, info: d.info });
  }
  for (const deltas of job.bufferDeltas) manifest.bufferDeltas.push(deltas ? await put(encodeSafetensors(deltas)) : null);
  const hash = await put(new TextEncoder().encode(JSON.stringify(manifest)));
  return { manifest: hash, blobs };
}

export async function readManifest(hash: string, src: BlobSource): Promise<BundleManifest> {
  const bytes = await readBlob(hash, src, 'bundle manifest');
  const m = JSON.parse(new TextDecoder().decode(bytes)) as BundleManifest;
  if (m.format !== BUNDLE_FORMAT) throw new Error(`bundle manifest ${hash.slice(0, 12)}…: format '${m.format}', this terrain reads '${BUNDLE_FORMAT}' (are coordinator and worker the same version?)`);
  return m;
}

/** Rebuilds the job a worker evaluates from its manifest, checking every blob against its hash. */
export async function loadBundle(hash: string, src: BlobSource): Promise<PointJob & { manifest: BundleManifest }> {
  const m = await readManifest(hash, src);
  const model = loadedModel(m, await readBlob(m.model.blob, src, 'model graph'));
  const directions: ResolvedDirection[] = [];
  for (const d of m.directions) {
    const bytes = await readBlob(d.blob, src, `direction '${d.spec}'`);
    const data = new Float32Array(new Uint8Array(bytes).buffer);
    if (data.length !== model.theta.layout.size) throw new Error(`direction '${d.spec}' has ${data.length} entries, the model has ${model.theta.layout.size} parameters`);
    if (vectorHash(data) !== d.blob) throw new Error(`direction '${d.spec}': decoded vector does not hash to its blob`);
    directions.push({ vector: { layout: model.theta.layout, data }, spec: d.spec, info: d.info });
  }
  const bufferDeltas: (Map<string, Tensor> | undefined)[] = [];
  for (const b of m.bufferDeltas) bufferDeltas.push(b ? decodeSafetensors(await readBlob(b, src, 'BN buffer deltas'), 'BN buffer deltas').tensors : undefined);
  return {
    manifest: m,
    kind: m.kind,
    model,
    batches: decodeBatches(await readBlob(m.batches, src, 'evaluation batches')),
    recomputeBatches: m.recomputeBatches ? decodeBatches(await readBlob(m.recomputeBatches, src, '--bn recompute batches')) : undefined,
    directions,
    bufferDeltas,
    bn: m.bn,
    ranges: m.ranges,
    threads: m.threads,
    session: m.session === 'reused' ? 'reused' : 'per-point',
  };
}

/** The model as the coordinator loaded it: same graph, same initializers, same parameter order. */
function loadedModel(m: BundleManifest, bytes: Uint8Array): LoadedModel {
  const model: Model = { spec: m.model.spec, graph: fromOnnxBytes(bytes, 'model graph'), params: m.model.params, buffers: m.model.buffers };
  const buffers = new Map(model.buffers.map((b) => {
    const t = model.graph.initializers.get(b);
    if (!t) throw new Error(`model graph: buffer '${b}' has no initializer`);
    return [b, t] as const;
  }));
  return { model, theta: paramsOf(model, ParamLayout.ofModel(model)), buffers, hash: m.model.hash, path: m.model.path, meta: {} };
}

/** Batches as one safetensors file: x.K (float32) and y.K (int64) for batch K, in order. */
export function encodeBatches(batches: readonly LabeledBatch[]): Uint8Array {
  const tensors = new Map<string, Tensor>();
  batches.forEach((b, k) => {
    tensors.set(`x.${k}`, b.x);
    tensors.set(`y.${k}`, b.y);
  });
  return encodeSafetensors(tensors, { batches: String(batches.length), sizes: JSON.stringify(batches.map((b) => b.size)) });
}

export function decodeBatches(bytes: Uint8Array): LabeledBatch[] {
  const { tensors, metadata } = decodeSafetensors(bytes, 'evaluation batches');
  const sizes = JSON.parse(metadata['sizes'] ?? '[]') as number[];
  return sizes.map((size, k) => {
    const x = tensors.get(`x.${k}`), y = tensors.get(`y.${k}`);
    if (!x || !y) throw new Error(`evaluation batches: batch ${k} of ${sizes.length} is missing x.${k} or y.${k}`);
    return { x, y, size };
  });
}
