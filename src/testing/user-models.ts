// The cases of user-models.test.ts and how one is checked: terrain's CLI run on a PyTorch export, compared with the
// float64 references of test/python/user_models.py. Each stage ends in a table cell: ✓ with the error reached,
// "n/a" with why, or the refusal's message.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '../ir/safetensors.js';
import { parseNpy } from '../core/data/npy.js';

export type Stage = 'eval' | 'gradient' | 'hessian' | 'surface';
export const STAGES: Stage[] = ['eval', 'gradient', 'hessian', 'surface'];
export const TOL = { loss: 1e-5, cosine: 0.99999, eig: 1e-4, curve: 1e-4 };

export const MODELS = ['resnet18', 'mobilenet_v3_small', 'squeezenet1_1', 'densenet121', 'vit', 'lstm', 'gru', 'embed_gru',
  'groupnorm_cnn', 'gpt', 'mse_regressor'] as const;
export const OPSETS = [13, 14, 17] as const;
/** default: torch.onnx.export(model.eval(), x[:1], path, opset_version=K); dynamic: plus input/output names and a
 * dynamic batch; docs: plus training=PRESERVE, do_constant_folding=False (docs/pytorch.md). */
export const VARIANTS = ['default', 'dynamic', 'docs'] as const;

export interface Case { id: string; model: string; opset: number; variant: string; stages: Stage[] }

/** The torchvision models with BatchNorm: the `dynamic` export folds it into the convolutions (another
 * parametrisation, no PyTorch gradient to compare), so their gradients are checked on `docs` at every opset. */
const FOLDED = ['resnet18', 'mobilenet_v3_small', 'densenet121'];

/** eval on every export; gradient, curve and surface on `dynamic` (each opset) and `docs` (opset 17), plus the
 * gradient on `docs` at 13 and 14 for FOLDED; the Hessian wherever the gradient is compared, once (docs, opset 17)
 * for FOLDED. */
export const CASES: Case[] = MODELS.flatMap((model) => OPSETS.flatMap((opset) => VARIANTS.map((variant) => {
  const folded = FOLDED.includes(model), docs17 = variant === 'docs' && opset === 17;
  let stages: Stage[] = ['eval'];
  if (docs17 || (variant === 'dynamic' && !folded)) stages = [...STAGES];
  else if (variant === 'dynamic') stages = ['eval', 'gradient', 'surface'];
  else if (variant === 'docs' && folded) stages = ['eval', 'gradient'];
  return { id: `${model}@${opset}/${variant}`, model, opset, variant, stages };
})));

export interface Ref {
  loss: number;
  loss32: number;
  loss_kind: string;
  params: [string, number][];
  eig_top: number;
  /** The Hessian is the block over the parameters whose names match (terrain's --params), or the whole. */
  hessian_params: string | null;
  eig_residual: number;
  curve: { lambdas: number[]; loss: number[] };
}

export interface Refusal { cases: RegExp; stage: Stage; message: RegExp; why: string }

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Which of the newer flags this build has (checked from --help, so the suite runs before and after they land). */
export function cliFlags(): { normalize: boolean; loss: boolean } {
  const help = spawnSync(process.execPath, [MAIN, 'eval', '--help'], { encoding: 'utf8' }).stdout;
  return { normalize: help.includes('--normalize'), loss: help.includes('--loss') };
}

interface Run { status: number | null; stdout: string; stderr: string }

function cli(args: string[], timeoutMs = 600_000): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [MAIN, ...args], { timeout: timeoutMs });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A fresh run (never a resumed one). Retried when Node could not link dist/ (a rebuild of the shared checkout
 * under way: "does not provide an export named"), which says nothing about the model. */
async function cliRetried(args: string[], outDir: string): Promise<Run> {
  for (let attempt = 0; ; attempt++) {
    rmSync(outDir, { recursive: true, force: true });
    const r = await cli(args);
    if (r.status !== 1 || !/SyntaxError: The requested module|ERR_MODULE_NOT_FOUND/.test(r.stderr) || attempt === 3) return r;
    await new Promise((resolve) => setTimeout(resolve, 30_000));
  }
}

const lastJson = <T>(r: Run): T => JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const fmt = (x: number) => x.toExponential(1);
/** The message of a failed run: a refusal's last stderr line, without the "terrain: " prefix. */
/** A crash's message: its first line naming an Error. */
export function messageOf(r: Run): string {
  const lines = r.stderr.trim().split('\n').filter((l) => l.trim() && !l.startsWith('data npy:') && !l.includes('rerun with TERRAIN_DEBUG=1'));
  const line = r.status === 2 ? lines.pop() : lines.find((l) => /Error\b/.test(l)) ?? lines.pop();
  return (line ?? `exit ${r.status}`).replace(/^terrain: /, '').trim().slice(0, 300);
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i]! * b[i]!; aa += a[i]! * a[i]!; bb += b[i]! * b[i]!; }
  return ab / Math.sqrt(aa * bb);
}

export function readRef(dir: string, model: string): Ref {
  return JSON.parse(readFileSync(join(dir, `${model}.ref.json`), 'utf8')) as Ref;
}

function readGrad(dir: string, model: string): Float64Array {
  const a = parseNpy(new Uint8Array(readFileSync(join(dir, `${model}.grad.npy`))), `${model}.grad.npy`);
  assert.equal(a.dtype, '<f8');
  return new Float64Array(a.data.slice().buffer);
}

/**
 * PyTorch's gradient in the layout of terrain's direction file. By name where the export kept every parameter's
 * name; else, when the sizes add up (constant folding renamed and re-laid tensors: transposed Linear weights, LSTM
 * gates, split attention projections), both sorted by value, which a permutation leaves unchanged; else undefined
 * (BatchNorm folded into convolutions: another parametrisation, no reference).
 */
function matchGradient(dirFile: Map<string, Float64Array>, ref: Ref, grad: Float64Array): { got: Float64Array; want: Float64Array; how: string } | { why: string } {
  const offsets = new Map<string, [number, number]>();
  let o = 0;
  for (const [name, n] of ref.params) { offsets.set(name, [o, n]); o += n; }
  const total = [...dirFile.values()].reduce((s, v) => s + v.length, 0);
  const got = new Float64Array(total), want = new Float64Array(total);
  let k = 0, byName = true;
  for (const [name, v] of dirFile) {
    const slot = offsets.get(name);
    if (!slot || slot[1] !== v.length) { byName = false; break; }
    got.set(v.map((x) => -x), k);  // the gradient direction is −∇L
    want.set(grad.subarray(slot[0], slot[0] + slot[1]), k);
    k += v.length;
  }
  if (byName && total === grad.length) return { got, want, how: 'by name' };
  if (total !== grad.length) return { why: `export folded parameters (${total} vs PyTorch's ${grad.length})` };
  const all = Float64Array.from([...dirFile.values()].flatMap((v) => Array.from(v, (x) => -x))).sort();
  return { got: all, want: Float64Array.from(grad).sort(), how: 'sorted values (renamed by export)' };
}

export interface Flags { normalize: boolean; loss: boolean }

export interface CaseResult { row: Record<string, string>; failures: string[] }

/** Runs the stages of one case: the table cells, and what went wrong (terrain off PyTorch, a refusal that changed). */
export async function checkCase(c: Case, dir: string, flags: Flags, refused: Refusal[]): Promise<CaseResult> {
  const ref = readRef(dir, c.model);
  const row: Record<string, string> = { case: c.id };
  const onnx = join(dir, `${c.model}.o${c.opset}.${c.variant}.onnx`);
  if (existsSync(`${onnx}.error`)) {
    for (const s of c.stages) row[s] = `export failed: ${readFileSync(`${onnx}.error`, 'utf8')}`;
    return { row, failures: [] };
  }
  const data = ['--model', onnx, '--data', `npy:${join(dir, `${c.model}.x.npy`)},${join(dir, `${c.model}.y.npy`)}`, '--split', 'all', '--threads', '1', '--json',
    ...(flags.normalize ? ['--normalize', 'none'] : []), ...(flags.loss ? ['--loss', ref.loss_kind] : [])];
  const out = (s: string) => join(dir, 'runs', `${c.id.replace(/[@/]/g, '-')}-${s}`);
  const failures: string[] = [];
  let folded: string | undefined;  // set by the gradient stage when the export re-parametrised the model
  for (const stage of c.stages) {
    if (stage === 'hessian' && folded) { row.hessian = `n/a: ${folded}`; continue; }
    const args = {
      eval: ['eval'],
      gradient: ['curve', '--direction', 'gradient:norm=none:bias-bn=keep', '--range', `${ref.curve.lambdas[0]}:${ref.curve.lambdas[4]}:5`, '--workers', '1', '--no-plots', '--out', out('gradient')],
      hessian: ['hessian', '--top', '1', '--no-plots', '--out', out('hessian'), ...(ref.hessian_params ? ['--params', ref.hessian_params] : [])],
      surface: ['surface', '--x', 'gaussian:seed=1', '--y', 'gaussian:seed=2', '--x-range', '-1:1:5', '--y-range', '-1:1:5', '--workers', '1', '--no-plots', '--out', out('surface')],
    }[stage];
    const r = await cliRetried([...args, ...data], out(stage));
    const expected = refused.find((e) => e.cases.test(c.id) && e.stage === stage);
    if (expected && r.status === 0) {
      failures.push(`${stage} works now: delete its REFUSED entry (${expected.message})`);  // and measure it below
    } else if (expected) {
      row[stage] = `refused: ${messageOf(r)}`;
      if (r.status !== 2 || !expected.message.test(r.stderr)) failures.push(`${stage}: expected the exit-2 refusal ${expected.message} (${expected.why}), got exit ${r.status}: ${messageOf(r)}`);
      if (stage === 'eval') { for (const s of c.stages.slice(1)) row[s] = row.eval!; break; }
      continue;
    }
    if (r.status !== 0) { row[stage] = `✗ exit ${r.status}: ${messageOf(r)}`; failures.push(`${stage}: ${row[stage]}`); continue; }
    try {
      row[stage] = checkStage(stage, lastJson(r), ref, dir, c, out(stage));
      if (row[stage]!.startsWith('n/a: ')) folded = row[stage]!.slice(5);
    } catch (e) {
      row[stage] = `✗ ${(e as Error).message.split('\n')[0]}`;
      failures.push(`${stage}: ${row[stage]}`);
    }
  }
  return { row, failures };
}

function checkStage(stage: Stage, result: Record<string, unknown>, ref: Ref, dir: string, c: Case, outDir: string): string {
  if (stage === 'eval') {
    const e = rel(result.loss as number, ref.loss);
    assert.ok(e <= TOL.loss, `loss ${String(result.loss)} vs PyTorch ${ref.loss}: relative error ${fmt(e)}`);
    return `✓ ${fmt(e)}`;
  }
  if (stage === 'gradient') {
    const loss = result.loss as number[];
    const dirFile = new Map([...readSafetensors(join(outDir, 'direction.safetensors')).tensors].map(([k, t]) => [k, Float64Array.from(t.data as ArrayLike<number>)]));
    const m = matchGradient(dirFile, ref, readGrad(dir, c.model));
    assert.ok(rel(loss[2]!, ref.loss) <= TOL.loss, `curve loss at λ=0 ${loss[2]} vs PyTorch ${ref.loss}`);
    if ('why' in m) return `n/a: ${m.why}`;
    const cos = cosine(m.got, m.want);
    assert.ok(cos >= TOL.cosine, `gradient cosine ${cos} (${m.how})`);
    const curveErr = Math.max(...loss.map((l, i) => rel(l, ref.curve.loss[i]!)));
    assert.ok(curveErr <= TOL.curve, `curve along −∇L: max relative error ${fmt(curveErr)} (terrain ${loss.join(', ')}; PyTorch ${ref.curve.loss.join(', ')})`);
    return `✓ 1−cos ${fmt(1 - cos)}, curve ${fmt(curveErr)}${m.how === 'by name' ? '' : ' (by value)'}`;
  }
  if (stage === 'hessian') {
    const top = Math.max(...(result.eigenvalues as number[]));
    const e = rel(top, ref.eig_top);
    assert.ok(e <= TOL.eig, `top eigenvalue ${top} vs PyTorch ${ref.eig_top}: relative error ${fmt(e)}`);
    return `✓ ${fmt(e)}`;
  }
  const loss = result.loss as number[][];
  assert.equal(loss.length, 5);
  assert.ok(loss.every((row) => row.length === 5 && row.every(Number.isFinite)), 'every surface point finite');
  const e = rel(loss[2]![2]!, ref.loss);
  assert.ok(e <= TOL.loss, `surface centre ${loss[2]![2]} vs PyTorch ${ref.loss}`);
  return `✓ centre ${fmt(e)}`;
}
