// Mining on a synthetic landscape whose w-peak direction is known (synthetic.ts): the optimiser must find it from
// random starts, and a run interrupted and resumed from its checkpoint must end exactly where an uninterrupted one does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, messageWith, type OptionMention } from '../../ir/errors.js';
import { writeSafetensors } from '../../ir/safetensors.js';
import { classifyCurve } from '../classify/index.js';
import { gaussianNoise } from '../directions/gaussian.js';
import { cosine, type ParamVector } from '../params.js';
import { RunMismatchError } from '../runs/run-dir-errors.js';
import { loadState, saveState } from './checkpoint.js';
import { NormConstraint } from './constraint.js';
import { namedObjective } from './objectives.js';
import { DEFAULT_ADAM, initialState, MiningLossError, objectiveAt, optimizeDirection, type OptimizeConfig } from './optimize.js';
import { doubleWell } from './synthetic.js';

const CONFIG: OptimizeConfig = { steps: 300, lr: 0.1, schedule: 'cosine', checkpointEvery: 50, adam: DEFAULT_ADAM };

test('the double well: every seed finds the true w-peak direction (|cos| ≥ 0.99) and its noise-free curve is a w-peak', async () => {
  const dw = doubleWell();
  const c = NormConstraint.of(dw.theta, { norm: 'norm', biasBn: 'zero' });
  const objective = namedObjective('w-peak', { lambda0: dw.lambda0, margin: 0.2, floor: 0.2 });
  for (const seed of [1, 2, 3]) {
    const start = gaussianNoise(dw.theta.layout, seed);
    const state = initialState(c, start);
    assert.ok(Math.abs(cosine(c.toDirection(state.u), dw.trueDirection)) < 0.15, 'a random start is nearly orthogonal to e');
    await optimizeDirection({ theta: dw.theta, constraint: c, objective, probe: dw.probe, config: CONFIG, state });
    const d = c.toDirection(state.u);
    const cos = Math.abs(cosine(d, dw.trueDirection));
    assert.ok(cos >= 0.99, `seed ${seed}: |cos(mined, true)| = ${cos}`);
    // judged on the noise-free loss, on a dense grid the optimiser never evaluated
    const lambdas = Array.from({ length: 81 }, (_, i) => -2 * dw.lambda0 + (4 * dw.lambda0 * i) / 80);
    const loss = lambdas.map((l) => dw.loss(Float32Array.from(dw.theta.data, (t, i) => t + l * d.data[i]!)));
    assert.equal(classifyCurve(lambdas, loss).type, 'w-peak', `seed ${seed}`);
  }
});

test('a run stopped after a checkpoint and resumed from the file ends bit-identical to an uninterrupted run', async () => {
  const dw = doubleWell({ seed: 2 });
  const c = NormConstraint.of(dw.theta, { norm: 'norm', biasBn: 'zero' });
  const objective = namedObjective('w-peak', { lambda0: dw.lambda0 });
  const config = { ...CONFIG, steps: 60, checkpointEvery: 20 };
  const start = gaussianNoise(dw.theta.layout, 5);

  const straight = initialState(c, start);
  const objectivesStraight: number[] = [];
  await optimizeDirection({ theta: dw.theta, constraint: c, objective, probe: dw.probe, config, state: straight, onStep: (e) => { objectivesStraight.push(e.objective); } });

  const dir = mkdtempSync(join(tmpdir(), 'terrain-mine-resume-'));
  const path = join(dir, 'state.safetensors');
  const ac = new AbortController();
  const first = initialState(c, start);
  const objectivesResumed: number[] = [];
  await optimizeDirection({
    theta: dw.theta, constraint: c, objective, probe: dw.probe, config, state: first,
    onStep: (e) => { objectivesResumed.push(e.objective); if (e.step === 27) ac.abort(); },
    onCheckpoint: (s) => saveState(path, s), signal: ac.signal,
  });
  assert.equal(first.step, 27, 'stopped after step 27');
  const loaded = loadState(path, c.size)!;
  assert.equal(loaded.step, 20, 'the last checkpoint is step 20');
  objectivesResumed.length = 20; // steps 21..27 are recomputed, as after a kill -9
  await optimizeDirection({ theta: dw.theta, constraint: c, objective, probe: dw.probe, config, state: loaded, onStep: (e) => { objectivesResumed.push(e.objective); } });
  assert.equal(loaded.step, 60);
  assert.deepEqual([...loaded.u], [...straight.u]);
  assert.deepEqual([...loaded.adam.m!], [...straight.adam.m!]);
  assert.deepEqual(objectivesResumed, objectivesStraight);
});

test('checkpoints refuse files of another size or format', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-mine-ckpt-'));
  const path = join(dir, 'state.safetensors');
  assert.equal(loadState(path, 10), undefined, 'no checkpoint yet');
  saveState(path, { step: 3, u: new Float32Array(10), adam: { step: 3, m: new Float32Array(10), v: new Float32Array(10) } });
  assert.equal(loadState(path, 10)!.step, 3);
  assert.throws(() => loadState(path, 11), /tensor '[a-z.]+' is float32 \[10\], expected float32 \[11\]/);
});

/** How the CLI prints an option mention (cli/errors.ts asFlag). */
const asFlag = (m: OptionMention): string => (m.value === undefined ? `--${m.option}` : `--${m.option} ${m.value}`);

test('a file of another format in the run directory is bad input that names the output option', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'terrain-mine-ckpt-')), 'state.safetensors');
  writeSafetensors(path, { u: { dtype: 'float32', dims: [2], data: new Float32Array(2) } }, { format: 'other' });
  assert.throws(() => loadState(path, 2), (e: unknown) => e instanceof RunMismatchError && e.message === `${path}: not a terrain mining checkpoint (format 'other'); use another output directory` &&
    messageWith(e, asFlag) === `${path}: not a terrain mining checkpoint (format 'other'); use another --out directory`);
});

test('a probe loss that is not finite is bad input whose fix is a smaller λ₀ (the CLI: --lambda0)', async () => {
  const theta = { data: new Float32Array([1, 2]) } as ParamVector, direction = { data: new Float32Array([1, 0]) } as ParamVector;
  const objective = namedObjective('w-peak', { lambda0: 1 });
  const probe = async (point: Float32Array) => ({ loss: point[0]! > 1.5 ? Number.NaN : point[0]!, grad: new Float32Array(2) });
  await assert.rejects(objectiveAt(theta, direction, objective, probe), (e: unknown) => e instanceof MiningLossError && e instanceof InputError &&
    /λ₀ is too large for this model \(try a smaller λ₀\)$/.test(e.message) && /^mining: the loss at λ=\S+ is NaN; λ₀ is too large for this model \(try a smaller --lambda0\)$/.test(messageWith(e, asFlag)));
});
