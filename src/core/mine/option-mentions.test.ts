// Mining's bad-input messages name options (core's wording) and the CLI prints each as its flag: the text a user of
// the CLI reads is unchanged, and core's own message holds no flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { InputError, messageWith, type OptionMention } from '../../ir/errors.js';
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import type { Dataset } from '../data/index.js';
import type { ParamLayout } from '../params.js';
import { MinedDirectionError, minedDirectionPath } from './load.js';
import { MiningBatchError, ModelProbe } from './model-probe.js';

/** How the CLI prints an option mention (cli/errors.ts asFlag). */
const asFlag = (m: OptionMention): string => (m.value === undefined ? `--${m.option}` : `--${m.option} ${m.value}`);

test('mining data smaller than one minibatch: an input error that tells to lower the mining batch (--mine-batch)', async () => {
  // The check comes before the model is touched, so no model is needed.
  const create = ModelProbe.create({} as Model, {} as ParamLayout, new Map<string, Tensor>(), { count: 3 } as Dataset, { batchSize: 4 });
  await assert.rejects(create, (e: unknown) => e instanceof MiningBatchError && e instanceof InputError &&
    e.message === 'mining: the mining data has 3 samples, fewer than one batch of 4; lower mine-batch' &&
    messageWith(e, asFlag) === 'mining: the mining data has 3 samples, fewer than one batch of 4; lower --mine-batch');
});

test('mined:PATH that does not exist names terrain mine\'s output directory (--out)', () => {
  const path = join(tmpdir(), 'terrain-no-such-mining-run');
  assert.throws(() => minedDirectionPath(path), (e: unknown) => e instanceof MinedDirectionError &&
    /written by `terrain mine` or its output directory$/.test(e.message) &&
    messageWith(e, asFlag) === `mined:${path}: no such file or directory; give a direction.safetensors written by \`terrain mine\` or its --out directory`);
});
