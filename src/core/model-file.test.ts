import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportedLikeGraph } from '../testing/import-fixtures.js';
import { toOnnxBytes } from '../ir/onnx.js';
import { sequentialFixture, writeFixture } from '../testing/tfjs-fixtures.js';
import { loadModelFile, ModelFileError, modelFromGraph } from './model-file.js';
import { createRng } from './rng.js';
import { messageWith } from '../ir/errors.js';
import { asFlag } from '../cli/errors.js';

const WEIGHTS = fileURLToPath(new URL('../../test/fixtures/weights/', import.meta.url));

test('.onnx, TF.js model.json: parameters are the weights only (not Clip bounds or shape constants), buffers apart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-model-file-'));
  try {
    writeFileSync(join(dir, 'm.onnx'), toOnnxBytes(exportedLikeGraph(createRng(1))));
    const onnx = loadModelFile(join(dir, 'm.onnx'));
    assert.deepEqual(onnx.theta.layout.slots.map((s) => s.name), ['conv.weight', 'bn.weight', 'bn.bias', 'fc.weight', 'fc.bias']);
    assert.equal(onnx.theta.layout.size, 3 * 2 * 9 + 3 + 3 + 5 * 48 + 5);
    assert.deepEqual([...onnx.buffers.keys()], ['bn.running_mean', 'bn.running_var']);
    assert.equal(onnx.importReport!.constants.length, 3);
    assert.deepEqual(modelFromGraph(exportedLikeGraph(createRng(1))).params, onnx.model.params);

    const tfjs = loadModelFile(writeFixture(join(dir, 'tfjs'), sequentialFixture(createRng(2))));
    assert.equal(tfjs.model.params.length, 8);
    assert.equal(tfjs.buffers.size, 2);
    assert.match(tfjs.hash, /^[0-9a-f]{64}$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every file problem is a ModelFileError naming the flag and the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-model-file-'));
  try {
    const onnx = join(dir, 'm.onnx');
    writeFileSync(onnx, toOnnxBytes(exportedLikeGraph(createRng(1))));
    // The CLI's text (messageWith + asFlag): core names the options, the shell prints them as --model, --weights.
    const fails = (f: () => unknown, message: RegExp) => assert.throws(f, (e: Error) => e instanceof ModelFileError && message.test(messageWith(e, asFlag)) && !/--/.test(e.message));
    fails(() => loadModelFile(join(dir, 'none.onnx')), /^--model .*none\.onnx: cannot read the file \(ENOENT\)/);
    fails(() => loadModelFile(join(dir, 'm.h5')), /^--model .*m\.h5: unknown file type; give a terrain checkpoint \(\.safetensors\), an ONNX model \(\.onnx\) or a TF\.js model\.json/);
    writeFileSync(join(dir, 'junk.onnx'), 'not a model');
    fails(() => loadModelFile(join(dir, 'junk.onnx')), /^--model .*junk\.onnx: not a valid ONNX protobuf/);
    // A state_dict of another network: every mismatch listed at once.
    copyFileSync(join(WEIGHTS, 'small.pt'), join(dir, 'other.pt'));
    fails(() => loadModelFile(onnx, { weights: join(dir, 'other.pt') }), /^--weights .*other\.pt: the weights do not fit the model; missing 7 \(in the model, not in the file\): conv\.weight, .*unexpected 8 \(in the file, not in the model\): 0\.weight/);
    fails(() => loadModelFile(onnx, { weights: join(dir, 'w.npz') }), /^--weights .*w\.npz: cannot read the file \(ENOENT\)/);
    writeFileSync(join(dir, 'w.npz'), 'PK');
    fails(() => loadModelFile(onnx, { weights: join(dir, 'w.npz') }), /^--weights .*w\.npz: unknown weights file type; give a PyTorch state_dict/);
    writeFileSync(join(dir, 'w.bin'), 'garbage');
    fails(() => loadModelFile(onnx, { weights: join(dir, 'w.bin') }), /^--weights .*w\.bin: not a torch\.save archive/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
