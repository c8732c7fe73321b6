// terrain resume: a moved run directory resumes in place (nothing is written at its old path) and, with diverged
// points, to a byte-identical result.json; a run.json whose command is 'terrain resume …' is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel } from '../ir/zoo/index.js';
import { checkpointOf, saveCheckpoint } from '../ir/checkpoint.js';
import { planResume } from './commands/resume.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const ENV = { ...process.env, TERRAIN_NO_PROGRESS: '1' };
const work = mkdtempSync(join(tmpdir(), 'terrain-resume-'));
const model = join(work, 'mlp.safetensors');

function terrain(args: string[], cwd: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', env: ENV, timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

const curve = (out: string, direction: string): string[] =>
  ['curve', '--model', model, '--data', 'digits', '--samples', '100', '--direction', direction, '--range', '-1:1:5', '--out', out, '--no-plots'];

/** Keeps the first `n` points of a finished run and removes its result, as if it had been killed. */
function interrupt(dir: string, n: number): string {
  const result = readFileSync(join(dir, 'result.json'), 'utf8');
  const lines = readFileSync(join(dir, 'points.jsonl'), 'utf8').split('\n').filter(Boolean);
  writeFileSync(join(dir, 'points.jsonl'), lines.slice(0, n).join('\n') + '\n');
  rmSync(join(dir, 'result.json'));
  return result;
}

before(() => {
  const spec = { arch: 'mlp', options: { widths: [16] }, inputShape: [1, 8, 8], classes: 10 };
  saveCheckpoint(model, { ...checkpointOf(buildModel(spec, 3)), spec });
});
after(() => rmSync(work, { recursive: true, force: true }));

test('a moved run directory with diverged points resumes in place to a byte-identical result; nothing appears at its old path', () => {
  const started = join(work, 'started');
  mkdirSync(started);
  // A relative --out, as users type it; a direction so long that points diverge (NaN, ±∞).
  let r = terrain(curve('runs/c', 'gaussian:seed=1:scale=1e30'), started);
  assert.equal(r.status, 0, r.stderr);
  const want = interrupt(join(started, 'runs/c'), 2);
  assert.match(want, /"(NaN|Infinity|-Infinity)"/, 'the run has non-finite points');
  mkdirSync(join(work, 'elsewhere'));
  renameSync(join(started, 'runs/c'), join(work, 'elsewhere/moved'));
  r = terrain(['resume', 'elsewhere/moved'], work);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(work, 'elsewhere/moved/result.json'), 'utf8'), want);
  assert.equal(readFileSync(join(work, 'elsewhere/moved/points.jsonl'), 'utf8').split('\n').filter(Boolean).length, 5);
  assert.ok(!existsSync(join(started, 'runs/c')), 'the old relative path stays empty');
});

test("a run.json whose recorded command is 'terrain resume …' is refused with exit 2, without recursion", () => {
  const dir = join(work, 'recursive');
  mkdirSync(dir);
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ kind: 'curve', identity: {}, info: { command: ['terrain', 'resume', '.'], cwd: dir } }));
  const t0 = Date.now();
  const r = terrain(['resume', dir], work);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^terrain: ${join(dir, 'run.json')}: the recorded command is itself 'terrain resume \\.'`));
  assert.ok(Date.now() - t0 < 10_000);
});

test('a nested run (explain\'s measured/, mine\'s seed runs) resumes its parent command, --out at the parent', async () => {
  const parent = join(work, 'nested');
  const command = ['terrain', 'explain', 'explain', '--model', 'm', '--out', 'old/place'];
  mkdirSync(join(parent, 'measured'), { recursive: true });
  for (const d of [parent, join(parent, 'measured')]) writeFileSync(join(d, 'run.json'), JSON.stringify({ kind: 'x', identity: {}, info: { command, cwd: '/nonexistent-terrain-dir' } }));
  const plan = await planResume(join(parent, 'measured'));
  assert.deepEqual(plan.args, ['explain', '--model', 'm', '--out', parent]);
  assert.equal(plan.cwd, undefined, 'a recorded cwd that is gone is not entered');
  await assert.rejects(planResume(join(work, 'no-such-run')), /run\.json: not found/);
});
