// The terrain CLI as a benchmark runs it: a child process on the built dist/, progress bars off; returns wall seconds.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './python.js';

const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

export function terrain(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, TERRAIN_NO_PROGRESS: '1' } });
  if (r.status !== 0) throw new Error(`terrain ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  return (performance.now() - t0) / 1000;
}
