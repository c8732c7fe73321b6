// Runs the PyTorch baselines (bench/python/*.py) with the cross-check interpreter (src/testing/python.ts) and a fixed
// thread count.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pythonPath, REPO_ROOT } from '../testing/python.js';

export { REPO_ROOT };

/** Environment that pins PyTorch's OpenMP pool and OpenBLAS to `threads`. */
export function threadEnv(threads: number): NodeJS.ProcessEnv {
  const n = String(threads);
  return { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
}

/** Runs bench/python/<script> and parses the JSON object on its last stdout line. */
export function runBaseline<T>(script: string, args: string[], threads: number, timeoutMs = 600_000): T {
  const path = join(REPO_ROOT, 'bench', 'python', script);
  const r = spawnSync(pythonPath(), [path, ...args, '--threads', String(threads)], { encoding: 'utf8', env: threadEnv(threads), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${pythonPath()} ${path} ${args.join(' ')} failed (status ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script} printed no JSON result; stdout ended with: ${last.slice(0, 200)}`);
  }
}
