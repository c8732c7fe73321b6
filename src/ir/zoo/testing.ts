// Test support for comparisons against PyTorch: where the helper scripts are, and whether torch is there.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Debian's interpreter, the one with python3-torch (plain `python3` may be another one). */
export const PYTHON = '/usr/bin/python3';

/** test/python, found from this file's place in dist/ir/zoo or src/ir/zoo. */
export const PYTHON_DIR = join(fileURLToPath(new URL('../../../', import.meta.url)), 'test', 'python');

let cached: boolean | undefined;
export function torchAvailable(): boolean {
  cached ??= spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
  return cached;
}

/** Runs test/python/<script> with args; throws with its stderr on failure, returns stdout. */
export function runPython(script: string, args: string[], timeoutMs = 120_000): string {
  const r = spawnSync(PYTHON, [join(PYTHON_DIR, script), ...args], { cwd: PYTHON_DIR, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (status ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}`);
  return r.stdout;
}
