// Which nodes of an imported graph terrain cannot handle, gathered so that one error lists every one of them.
// A node is supported when shape inference knows its op and, if the loss depends on it through a parameter, a
// gradient rule exists. Ops that import-time folding removes (shape arithmetic) need neither.
import type { Graph } from '../graph.js';
import { GRAD_RULES } from '../grad/index.js';
import { noGradient } from '../grad/no-gradient.js';
import { rnnRefusal } from '../grad/rnn-unroll.js';
import { isFloat } from '../grad/emitter.js';
import type { ShapeEnv } from '../shapes/index.js';
import { SHAPE_RULES } from '../shapes/table.js';
import { RNN_GATES } from '../shapes/rnn.js';
import { FOLDABLE_OPS } from './const-eval.js';
import { IMPORT_MAX_OPSET, IMPORT_MIN_OPSET } from './opset.js';

export interface UnsupportedOp {
  /** "Gather", or "com.microsoft.FusedConv" for other domains. */
  op: string;
  reason: string;
  /** 'unknown': terrain cannot infer its shapes (ORT may still run it); 'no-gradient': it runs, but has no rule. */
  kind: 'unknown' | 'no-gradient';
  nodes: string[];
}

const NO_RULE = 'no gradient rule';

const standard = (domain: string | undefined) => !domain || domain === 'ai.onnx';
const opName = (op: string, domain: string | undefined) => (standard(domain) ? op : `${domain}.${op}`);

function collect(found: Map<string, UnsupportedOp>, op: string, reason: string, node: string): void {
  const hit = found.get(op) ?? { op, reason, kind: reason === NO_RULE ? 'no-gradient' : 'unknown', nodes: [] };
  hit.nodes.push(node);
  found.set(op, hit);
}

/**
 * Before simplification: ops from other domains, ops shape inference does not know, and ops without a gradient rule
 * downstream of a float initializer (conservatively: through any op that is not marked noGradient).
 */
export function unsupportedBeforeImport(g: Graph): UnsupportedOp[] {
  const found = new Map<string, UnsupportedOp>();
  const reach = new Set([...g.initializers].filter(([, t]) => isFloat(t.dtype)).map(([k]) => k));
  const needed = needsOutput(g);
  for (const [k, n] of g.nodes.entries()) {
    const name = opName(n.op, n.domain);
    const fed = n.inputs.some((i) => i && reach.has(i));
    const rule = standard(n.domain) ? GRAD_RULES[n.op] : undefined;
    if (fed && rule !== noGradient) for (const o of n.outputs) if (o) reach.add(o);
    if (!standard(n.domain)) collect(found, name, `not a standard ONNX op (domain '${n.domain}')`, n.name);
    else if (!SHAPE_RULES[n.op] && !FOLDABLE_OPS.has(n.op)) collect(found, name, 'terrain does not know this op', n.name);
    else if (!rule && !FOLDABLE_OPS.has(n.op) && fed && needed.has(k)) collect(found, name, NO_RULE, n.name);
  }
  return [...found.values()];
}

/** After simplification, with types known: nodes between a parameter and the output that have no gradient rule. */
export function unsupportedAfterImport(g: Graph, env: ShapeEnv, params: readonly string[]): UnsupportedOp[] {
  const found = new Map<string, UnsupportedOp>();
  const reach = new Set(params);
  const needed = needsOutput(g);
  for (const [k, n] of g.nodes.entries()) {
    if (!n.inputs.some((i) => i && reach.has(i))) continue;
    for (const o of n.outputs) if (o && isFloat(env.dtype(o))) reach.add(o);
    if (!needed.has(k) || !n.outputs.some((o) => reach.has(o))) continue;
    if (!GRAD_RULES[n.op]) collect(found, n.op, NO_RULE, n.name);
    // Recurrent nodes have a rule for the forms PyTorch writes; clip, uneven sequence_lens, … are named here.
    const refusal = RNN_GATES[n.op] !== undefined ? rnnRefusal(env, n) : undefined;
    if (refusal) collect(found, n.op, refusal, n.name);
  }
  return [...found.values()];
}

/** Indices of nodes some graph output depends on. */
function needsOutput(g: Graph): Set<number> {
  const live = new Set(g.outputs.map((o) => o.name));
  const idx = new Set<number>();
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k]!;
    if (!n.outputs.some((o) => live.has(o))) continue;
    idx.add(k);
    for (const i of n.inputs) if (i) live.add(i);
  }
  return idx;
}

const MAX_NAMES = 12;

/** The one message listing every unsupported op with its nodes. */
export function describeUnsupported(source: string, ops: readonly UnsupportedOp[]): string {
  const lines = ops.map((u) => {
    const shown = u.nodes.slice(0, MAX_NAMES).map((n) => `'${n}'`).join(', ');
    const more = u.nodes.length > MAX_NAMES ? ` and ${u.nodes.length - MAX_NAMES} more` : '';
    return `  - ${u.op} (${u.reason}): ${u.nodes.length === 1 ? 'node' : 'nodes'} ${shown}${more}`;
  });
  const known = Object.keys(GRAD_RULES).filter((op) => GRAD_RULES[op] !== noGradient).sort().join(', ');
  return `${source}: ${ops.length} unsupported ${ops.length === 1 ? 'op' : 'ops'}:\n${lines.join('\n')}\n`
    + `terrain differentiates ${known} (plus shape arithmetic folded at import, and GroupNormalization, Mish and Gelu `
    + `of opsets 18–20, lowered to these); it imports opsets ${IMPORT_MIN_OPSET}–${IMPORT_MAX_OPSET}: export with opset_version=17 and `
    + 'do_constant_folding=False (docs/pytorch.md), or replace these layers';
}
