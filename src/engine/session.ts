// The one module that talks to onnxruntime-node: sessions from graphs, batches in, outputs out.
import * as ort from 'onnxruntime-node';
import type { Graph } from '../ir/graph.js';
import { toOnnxBytes } from '../ir/onnx.js';
import type { DType, Tensor } from '../ir/tensor.js';

export interface SessionOptions {
  /** Intra-op threads; default: all cores (ORT's own default). */
  threads?: number;
  /** Full graph optimisation (default) folds BN and pre-packs weights; 'basic' keeps the graph closer to what was built. */
  optimization?: 'all' | 'basic' | 'disabled';
}

/** A compiled graph. Initializers are baked in (the fast path); other graph inputs are fed per run. */
export class Session {
  private constructor(private readonly ort: ort.InferenceSession, readonly inputNames: readonly string[], readonly outputNames: readonly string[]) {}

  static async create(graph: Graph, opts: SessionOptions = {}): Promise<Session> {
    const bytes = toOnnxBytes(graph);
    return Session.fromBytes(bytes, opts);
  }

  static async fromBytes(bytes: Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    const level = opts.optimization ?? 'all';
    const s = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: level === 'all' ? 'all' : level === 'basic' ? 'basic' : 'disabled',
      intraOpNumThreads: opts.threads ?? 0,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    return new Session(s, s.inputNames, s.outputNames);
  }

  /** Runs the graph; `fetch` limits the outputs computed (default: all graph outputs). */
  async run(feeds: Record<string, Tensor>, fetch?: readonly string[]): Promise<Record<string, Tensor>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = toOrt(t);
    const out = fetch ? await this.ort.run(ortFeeds, [...fetch]) : await this.ort.run(ortFeeds);
    const result: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(out)) {
      result[k] = { dtype: fromOrtType(v.type, k), dims: [...v.dims], data: v.data as Tensor['data'] };
    }
    return result;
  }

  async dispose(): Promise<void> {
    await this.ort.release();
  }
}

export function toOrt(t: Tensor): ort.Tensor {
  // ORT refuses memory it could share with another thread: data in a SharedArrayBuffer is fed as a private copy.
  const data = t.data.buffer instanceof SharedArrayBuffer ? t.data.slice() : t.data;
  if (t.dtype === 'bool') return new ort.Tensor('bool', data as Uint8Array, t.dims);
  return new ort.Tensor(t.dtype, data as never, t.dims);
}

function fromOrtType(type: string, name: string): DType {
  switch (type) {
    case 'float32': case 'float64': case 'int64': case 'int32': case 'int8': case 'uint8': case 'bool': return type;
    default: throw new Error(`output '${name}' has unsupported element type ${type}`);
  }
}
