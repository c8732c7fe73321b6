// A landscape job as content-addressed blobs plus a JSON manifest naming them, so that any worker can rebuild the
// exact PointJob the in-process run evaluates: same model bytes, same float32 batches, same direction vectors.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '../ir/safetensors.js';
import type { Tensor } from '../ir/tensor.js';
import type { ResolvedDirection } from '../core/directions/resolve.js';
import type { LabeledBatch } from '../core/evaluate/point.js';
import { landscapeThreads, vectorHash, type DataSelection, type LandscapeJob, type PointJob } from '../core/landscape/job.js';
import type { BnMode } from '../core/landscape/bn.js';
import { loadModelFile } from '../core/model-file.js';
import type { Range } from '../core/runs/grid.js';
import { readBlob, sha256, writeBlobFile, type BlobSource } from './blobs.js';

export const BUNDLE_FORMAT = 'terrain-landscape-bundle/1';

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  kind: 'curve' | 'surface';
  ranges: Range[];
  bn: BnMode;
  /** ORT threads per point session, resolved (the run's identity records the same number). */
  threads: number;
  batchSize: number;
  data: DataSelection;
  /** The model file's bytes; `ext` tells how to read them (.safetensors or .onnx). */
  model: { blob: string; ext: string };
  batches: string;
  recomputeBatches: string | null;
  /** Raw little-endian float32 vectors; the blob hash equals the run identity's direction sha256. */
  directions: { blob: string; spec: string; info: ResolvedDirection['info'] }[];
  bufferDeltas: (string | null)[];
}

export interface WrittenBundle {
  manifest: string;
  /** Every blob by hash, the manifest included (for shipping through Redis). */
  blobs: Map<string, Uint8Array>;
}

/** Writes the job's blobs and manifest into `<dir>/blobs/`; deterministic: the same job gives the same hashes. */
export async function writeBundle(job: LandscapeJob, dir: string): Promise<WrittenBundle> {
  const blobs = new Map<string, Uint8Array>();
  const put = async (bytes: Uint8Array): Promise<string> => {
    const hash = await writeBlobFile(dir, bytes);
    blobs.set(hash, bytes);
    return hash;
  };
  const modelBytes = await readFile(job.model.path);
  if (sha256(modelBytes) !== job.model.hash) throw new Error(`${job.model.path}: the file changed since it was loaded (sha256 differs); rerun the command`);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    kind: job.kind,
    ranges: job.ranges.map((r) => ({ from: r.from, to: r.to, count: r.count })),
    bn: job.bn,
    threads: landscapeThreads(job),
    batchSize: job.batchSize,
    data: job.data,
    model: { blob: await put(modelBytes), ext: extname(job.model.path) },
    batches: await put(encodeBatches(job.batches)),
    recomputeBatches: job.recomputeBatches ? await put(encodeBatches(job.recomputeBatches)) : null,
    directions: [],
    bufferDeltas: [],
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

export interface LoadOptions {
  /** Folder where model blobs are written as files for the model loader (default: the OS temp folder). */
  cacheDir?: string;
}

/** Rebuilds the job a worker evaluates from its manifest, checking every blob against its hash. */
export async function loadBundle(hash: string, src: BlobSource, opts: LoadOptions = {}): Promise<PointJob & { manifest: BundleManifest }> {
  const m = await readManifest(hash, src);
  const modelBytes = await readBlob(m.model.blob, src, `model (${m.model.ext})`);
  const cache = opts.cacheDir ?? join(tmpdir(), 'terrain-worker-blobs');
  await mkdir(cache, { recursive: true });
  const modelPath = join(cache, `${m.model.blob}${m.model.ext}`);
  // Several workers on one machine may share the cache: write aside, then rename into place.
  const tmp = `${modelPath}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, modelBytes);
  await rename(tmp, modelPath);
  const model = loadModelFile(modelPath);
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
  };
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
