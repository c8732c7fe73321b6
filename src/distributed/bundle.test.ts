import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pointEvaluator, vectorHash } from '../core/landscape/job.js';
import { loadModelFile } from '../core/model-file.js';
import { toOnnxBytes } from '../ir/onnx.js';
import { blobPath, readBlob, shipBlobs } from './blobs.js';
import { loadBundle, writeBundle } from './bundle.js';
import { makeTestJob, writeTestModel } from '../testing/distributed-fixture.js';
import { NO_REDIS, localRedis } from '../testing/local-redis.js';

const work = mkdtempSync(join(tmpdir(), 'terrain-bundle-'));
const model = writeTestModel(work, 'cnn-small', 1);
const other = writeTestModel(work, 'cnn-small', 2);
after(async () => (await localRedis())?.close());

/** The rebuilt job must give bit-identical points: same bytes in, same ORT graph, same numbers out. */
async function assertSamePoints(a: Parameters<typeof pointEvaluator>[0], b: Parameters<typeof pointEvaluator>[0], indices: number[]): Promise<void> {
  const ea = pointEvaluator(a), eb = pointEvaluator(b);
  for (const i of indices) assert.deepEqual(await eb(i), await ea(i), `point ${i}`);
}

for (const bn of ['perturb', 'recompute'] as const) {
  test(`a bundle rebuilds the job exactly (cnn-small, --bn ${bn}, to:CKPT and gaussian directions)`, async () => {
    const dir = join(work, `run-${bn}`);
    const job = await makeTestJob({ model, other, outDir: dir, bn, samples: 120, grid: [3, 3] });
    const written = await writeBundle(job, dir);
    assert.equal((await writeBundle(job, dir)).manifest, written.manifest, 'the same job hashes to the same manifest');
    const loaded = await loadBundle(written.manifest, { dir, runKey: '0'.repeat(16) });
    assert.deepEqual(loaded.manifest.directions.map((d) => d.blob), job.directions.map((d) => vectorHash(d.vector.data)));
    assert.equal(loaded.batches.length, job.batches.length);
    if (bn === 'perturb') assert.ok(loaded.bufferDeltas[0]!.size > 0 && loaded.bufferDeltas[1] === undefined);
    if (bn === 'recompute') assert.equal(loaded.recomputeBatches!.length, 2);
    await assertSamePoints(job, loaded, [0, 4, 8]);
  });
}

test('an imported ONNX model travels as its graph: the rebuilt job gives the same points', async () => {
  const onnx = join(work, 'mlp.onnx');
  writeFileSync(onnx, toOnnxBytes(loadModelFile(writeTestModel(work, 'mlp', 6)).model.graph));
  const dir = join(work, 'run-onnx');
  const job = await makeTestJob({ model: onnx, outDir: dir, samples: 60, grid: [3, 2] });
  assert.equal(job.model.model.spec.arch, 'onnx');
  const loaded = await loadBundle((await writeBundle(job, dir)).manifest, { dir, runKey: '0'.repeat(16) });
  assert.deepEqual(loaded.model.model.params, job.model.model.params);
  await assertSamePoints(job, loaded, [0, 3, 5]);
});

test('a corrupted or unreachable blob is refused with the reason and the fix', async () => {
  const dir = join(work, 'run-corrupt');
  const job = await makeTestJob({ model: writeTestModel(work, 'mlp', 3), outDir: dir, samples: 50 });
  const { manifest } = await writeBundle(job, dir);
  const m = JSON.parse(readFileSync(blobPath(dir, manifest), 'utf8')) as { batches: string };
  const bytes = readFileSync(blobPath(dir, m.batches));
  bytes[bytes.length - 1] ^= 1;
  writeFileSync(blobPath(dir, m.batches), bytes);
  await assert.rejects(loadBundle(manifest, { dir, runKey: '0'.repeat(16) }), /evaluation batches: .* has sha256 [0-9a-f]{12}…, expected [0-9a-f]{12}… \(corrupt or overwritten\)/);
  await assert.rejects(readBlob(manifest, { dir: join(work, 'not-shared'), runKey: '0'.repeat(16) }, 'bundle manifest'), /is neither in .*not-shared.* nor in Redis \(start the run with --ship/);
  await assert.rejects(readBlob('../../etc/passwd', { dir, runKey: '0'.repeat(16) }, 'model graph'), /model graph: blob name "..\/..\/etc\/passwd" is not a sha256 hex digest/);
});

test('shipped through Redis, a bundle loads on a worker that cannot see the run directory', async (t) => {
  const redis = await localRedis();
  if (!redis) return t.skip(NO_REDIS);
  const url = redis.url('bundle');
  const client = new Redis({ host: url.host, port: url.port, db: url.db });
  try {
    const dir = join(work, 'run-ship');
    const job = await makeTestJob({ model: writeTestModel(work, 'mlp', 4), outDir: dir, samples: 80, grid: [3, 2] });
    const written = await writeBundle(job, dir);
    const runKey = `${process.pid.toString(16).padStart(8, '0')}deadbeef`.slice(0, 16);
    const keys = await shipBlobs(client, runKey, written.blobs);
    try {
      const loaded = await loadBundle(written.manifest, { dir: join(work, 'elsewhere'), runKey, redis: client });
      await assertSamePoints(job, loaded, [0, 5]);
    } finally {
      await client.del(...keys);
    }
  } finally {
    client.disconnect();
  }
});
