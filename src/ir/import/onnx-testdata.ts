// Test support: the ONNX backend node test cases shipped by Debian's libonnx-testdata (one-node models with input and
// expected output TensorProto files), and the set of ops terrain claims to support.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { Graph } from '../graph.js';
import { fromOnnxBytes, tensorFromProto } from '../onnx.js';
import { GRAD_RULES } from '../grad/index.js';
import { SHAPE_RULES } from '../shapes/table.js';
import type { Tensor } from '../tensor.js';
import { FOLDABLE_OPS } from './const-eval.js';

const NODE_DIR = 'onnx/backend/test/data/node';
const KNOWN_ROOTS = ['/usr/lib/python3/dist-packages', '/usr/share/onnx'];

/** The node test folder, from the known install place or the package's file list; undefined when absent. */
export function findNodeTests(): string | undefined {
  for (const root of KNOWN_ROOTS) if (existsSync(join(root, NODE_DIR))) return join(root, NODE_DIR);
  const r = spawnSync('dpkg', ['-L', 'libonnx-testdata'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const line = r.stdout.split('\n').find((l) => l.endsWith(`/${NODE_DIR}`));
  return line && existsSync(line) ? line : undefined;
}

/** Ops terrain runs, infers shapes of and either differentiates or folds away at import. */
export function supportedOps(): string[] {
  return Object.keys(SHAPE_RULES).filter((op) => GRAD_RULES[op] || FOLDABLE_OPS.has(op)).sort();
}

export interface NodeCase {
  name: string;
  graph: Graph;
  inputs: Tensor[];
  expected: Tensor[];
}

export type LoadResult = { ok: true; value: NodeCase } | { ok: false; reason: string };

function readTensor(path: string): Tensor {
  return tensorFromProto(onnxProto.onnx.TensorProto.decode(readFileSync(path)), path);
}

/** Loads one case (its first data set); element types terrain does not handle give a reason instead. */
export function loadCase(dir: string, name: string): LoadResult {
  const at = join(dir, name);
  let graph: Graph;
  try {
    graph = fromOnnxBytes(readFileSync(join(at, 'model.onnx')), name);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  const data = join(at, 'test_data_set_0');
  if (!existsSync(data)) return { ok: false, reason: 'no test_data_set_0' };
  const files = readdirSync(data);
  const read = (prefix: string) => files.filter((f) => f.startsWith(prefix)).sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
  try {
    return { ok: true, value: { name, graph, inputs: read('input_').map((f) => readTensor(join(data, f))), expected: read('output_').map((f) => readTensor(join(data, f))) } };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/** Cases whose single node uses one of `ops`, by op. */
export function casesFor(dir: string, ops: ReadonlySet<string>): Map<string, string[]> {
  const byOp = new Map<string, string[]>();
  for (const name of readdirSync(dir).sort()) {
    let graph: Graph;
    try {
      graph = fromOnnxBytes(readFileSync(join(dir, name, 'model.onnx')), name);
    } catch {
      continue;
    }
    if (graph.nodes.length !== 1 || !ops.has(graph.nodes[0]!.op) || (graph.nodes[0]!.domain ?? '') !== '') continue;
    const op = graph.nodes[0]!.op;
    byOp.set(op, [...(byOp.get(op) ?? []), name]);
  }
  return byOp;
}
