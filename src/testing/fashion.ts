// The ResNet-20 of fashion.test.ts (10,000 Fashion-MNIST images, one epoch, Adam lr 0.002, batch 64), trained once
// per `node --test` run and shared by the test files that study its landscape and curvature. Training is
// deterministic (fashion.test.ts checks it), so one file's run serves every other: the first caller trains into a
// temporary folder under a lock file and renames it into place; the others wait for that folder. The cache key holds
// the test runner's pid and the build time of main.js, so a later run or a rebuild never sees an old model.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
export const FASHION = '/usr/share/datasets/fashion-mnist';
export const FASHION_MISSING = `${FASHION} missing (apt-get install dataset-fashion-mnist)`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runTerrain(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, TERRAIN_NO_PROGRESS: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`terrain ${args.join(' ')} → ${code}: ${stderr}`))));
  });
}

/**
 * The training directory of `terrain train --model resnet20 --data fashion-mnist --samples 10000 --epochs 1 …` with
 * the given seed and extra flags (e.g. ['--save-steps', '20']): init.safetensors, final.safetensors, train.json, ….
 */
export async function trainedFashionResnet20(seed: number, extra: readonly string[] = []): Promise<string> {
  const args = ['train', '--model', 'resnet20', '--data', 'fashion-mnist', '--samples', '10000', '--epochs', '1', '--batch', '64',
    '--optimizer', 'adam', '--lr', '0.002', '--weight-decay', '0', '--seed', String(seed), '--save-every', '0', ...extra];
  const key = createHash('sha256').update(JSON.stringify({ args, runner: process.ppid, build: statSync(MAIN).mtimeMs })).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `terrain-fashion-r20-${key}`);
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(join(dir, 'train.json'))) return dir;
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch {
      // Another test file is training this model: wait for it, or take over when its process has died.
      let owner = NaN;
      try {
        owner = Number(readFileSync(lock, 'utf8') || NaN);
      } catch { /* released meanwhile */ }
      if (Number.isInteger(owner) && owner > 0 && !alive(owner)) rmSync(lock, { force: true });
      await sleep(2000);
      continue;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    const partial = `${dir}.partial-${process.pid}`;
    try {
      await runTerrain([...args, '--out', partial]);
      assert.ok(existsSync(join(partial, 'train.json')), `${partial}/train.json`);
      renameSync(partial, dir);
    } finally {
      rmSync(lock, { force: true });
    }
    return dir;
  }
}
