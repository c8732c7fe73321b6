// prepareLandscape against ground truth: Gram–Schmidt's defining properties, the `gradient` provider against central
// differences of the job's own losses, and the refusals that must come before any point is evaluated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointOf, saveCheckpoint } from '../../ir/checkpoint.js';
import { InputError, messageWith, type OptionMention } from '../../ir/errors.js';
import { buildModel } from '../../ir/zoo/index.js';
import { parseTolerance } from '../landscape/adaptive.js';
import { runLandscape } from '../landscape/job.js';
import { randomBatches } from '../../testing/landscape.js';
import { cosine, dot, norm } from '../params.js';
import { saveDirection } from '../directions/io.js';
import type { LossChoice } from '../loss/choice.js';
import { loadModelFile } from '../model-file.js';
import { adaptiveDefaults, LandscapeOptionsError, prepareLandscape, type LandscapeOptions } from './landscape.js';
import { EigenDirectionError, gradientProvider } from './providers.js';

function withModel(fn: (dir: string, options: (o: Partial<LandscapeOptions>) => LandscapeOptions) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'terrain-prepare-'));
    try {
      const model = buildModel({ arch: 'cnn-small', options: {}, inputShape: [1, 8, 8], classes: 10 }, 3);
      saveCheckpoint(join(dir, 'm.safetensors'), checkpointOf(model));
      const batches = randomBatches(2, [16, 16, 8]);
      const base: LandscapeOptions = {
        kind: 'curve', model: join(dir, 'm.safetensors'), specs: ['gaussian:seed=1'], ranges: [{ from: -1, to: 1, count: 3 }],
        // --bn recompute is not used here: no training split.
        data: () => ({ train: undefined as never, batches, selection: { source: 'random', split: 'all', seed: 0, hash: 'random-2', count: 40 } }),
        outDir: join(dir, 'run'), bn: 'eval', batch: 16, threads: 1, workers: 1, session: 'per-point',
      };
      await fn(dir, (o) => ({ ...base, ...o }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('--orthogonalize: y becomes orthogonal to x and keeps its norm; x is untouched', withModel(async (_, options) => {
  const plain = await prepareLandscape(options({ kind: 'surface', specs: ['gaussian:seed=1', 'gaussian:seed=2'], ranges: [{ from: -1, to: 1, count: 2 }, { from: -1, to: 1, count: 2 }] }));
  const orth = await prepareLandscape(options({ kind: 'surface', specs: ['gaussian:seed=1', 'gaussian:seed=2'], ranges: plain.ranges, orthogonalize: true }));
  const [x, y] = plain.directions.map((d) => d.vector);
  const [x2, y2] = orth.directions.map((d) => d.vector);
  assert.ok(Math.abs(cosine(x!, y!)) > 1e-3, 'the two Gaussian directions are not orthogonal to begin with');
  assert.deepEqual(x2!.data, x!.data);
  assert.ok(Math.abs(cosine(x2!, y2!)) < 1e-5, `cos(x, y') = ${cosine(x2!, y2!)}`);
  assert.ok(Math.abs(norm(y2!) / norm(y!) - 1) < 1e-5);
  assert.match(orth.directions[1]!.spec, / \(orthogonalized to x\)$/);
}));

test('the gradient provider matches central differences of the loss along a direction', withModel(async (dir, options) => {
  // h = 1e-2 along a filter-normalised direction is already past the quadratic regime (30 % off); 1e-3 is within 1 %.
  const h = 1e-3;
  const job = await prepareLandscape(options({ specs: ['gaussian:norm=filter:seed=5'], ranges: [{ from: -h, to: h, count: 3 }] }));
  const g = await gradientProvider(job.model, job.batches, 1)();
  const { result } = await runLandscape({ ...job, info: {} });
  const loss = (result as { loss: number[] }).loss;
  const fd = (loss[2]! - loss[0]!) / (2 * h);
  const exact = dot(g, job.directions[0]!.vector);
  assert.ok(Math.abs(fd - exact) < 2e-2 * Math.abs(exact) + 1e-4, `finite difference ${fd} vs ∇L·u ${exact} (${dir})`);
}));

/** How the CLI prints an option mention (cli/errors.ts asFlag), to check what a user of the CLI reads. */
const asFlag = (m: OptionMention): string => (m.value === undefined ? `--${m.option}` : `--${m.option} ${m.value}`);

/** An InputError of `type` whose message (core's wording) and CLI text match; core's wording holds no flag. */
function refusal(type: new (...a: never[]) => Error, core: RegExp, cli: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof type && e instanceof InputError, String(e));
    assert.match(e.message, core);
    assert.doesNotMatch(e.message, /(^|\s)--[a-z]/);
    assert.match(messageWith(e, asFlag), cli);
    return true;
  };
}

test('a states direction without --bn perturb and an unknown --params are refused before any evaluation', withModel(async (_, options) => {
  await assert.rejects(prepareLandscape(options({ specs: ['gaussian:type=states'] })), refusal(LandscapeOptionsError,
    /is a states direction .* add BN mode 'perturb', or drop ':type=states'/, /is a states direction .* add --bn perturb, or drop ':type=states'$/));
  await assert.rejects(prepareLandscape(options({ params: '^nothing-matches$' })), (e: unknown) => e instanceof InputError && /params '\^nothing-matches\$' matches no parameter tensor/.test(e.message));
}));

test('a loss other than cross-entropy is refused with the queue and with a tolerance, by option', withModel(async (_, options) => {
  const withLoss = (o: Partial<LandscapeOptions>): LandscapeOptions => {
    const base = options(o);
    return { ...base, data: (m) => ({ ...base.data(m), loss: { name: 'mse' } as LossChoice }) };
  };
  await assert.rejects(prepareLandscape(withLoss({ queued: true })), refusal(LandscapeOptionsError,
    /^loss mse does not work with queue yet/, /^--loss mse does not work with --queue yet \(queue workers evaluate cross-entropy\); drop one of them$/));
  await assert.rejects(prepareLandscape(withLoss({ adaptive: adaptiveDefaults(parseTolerance('1%')) })), refusal(LandscapeOptionsError,
    /^loss mse does not work with tolerance yet/, /^--loss mse does not work with --tolerance yet; drop one of them$/));
}));

test('eigen:K from a hessian directory: a missing vector names the hessian run to make, another model\'s is refused', withModel(async (dir, options) => {
  const hessianDir = join(dir, 'h');
  mkdirSync(hessianDir);
  const missing = join(hessianDir, 'eigen-2.safetensors');
  await assert.rejects(prepareLandscape(options({ specs: ['eigen:2'], hessianDir })), refusal(EigenDirectionError,
    /run terrain hessian top 2 output /, new RegExp(`^eigen:2: ${missing} does not exist \\(${hessianDir} holds 0 top eigenvector\\(s\\)\\); run terrain hessian --top 2 --out ${hessianDir}$`)));
  const m = loadModelFile(join(dir, 'm.safetensors'));
  saveDirection(join(hessianDir, 'eigen-1.safetensors'), m.theta, { model_sha256: '0'.repeat(64) });
  await assert.rejects(prepareLandscape(options({ specs: ['eigen:1'], hessianDir })), refusal(EigenDirectionError,
    /another model file \(sha256 000000000000…, model \//, /another model file \(sha256 000000000000…, --model \S+m\.safetensors has [0-9a-f]{12}…\)$/));
}));
