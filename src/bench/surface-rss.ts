// Issue 4: peak resident memory of a 51×51 ResNet-56 surface (goal ≤ 1 GiB), measured on its first points in a
// child process (the whole grid would take hours here; memory is reached within a few points unless it leaks, so the
// RSS after each point is reported too).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addMetric } from './metrics.js';
import type { BenchContext } from './suites.js';

const TIME = '/usr/bin/time';

export async function surfaceRssSuite(ctx: BenchContext): Promise<void> {
  const points = ctx.quick ? 2 : 8;
  const child = fileURLToPath(new URL('./surface-rss-child.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'terrain-bench-rss-'));
  try {
    ctx.log(`51×51 ResNet-56 surface, first ${points} points, in a child process …`);
    const useTime = existsSync(TIME);
    const argv = [process.execPath, child, String(points), String(ctx.threads), join(dir, 'run')];
    const r = useTime ? spawnSync(TIME, ['-v', ...argv], { encoding: 'utf8' }) : spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`surface-rss child failed (status ${r.status}):\n${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { maxRssMiB: number; rssMiB: number[]; pointSeconds: number[] };
    const timeKiB = useTime ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]) : NaN;
    const peak = Number.isFinite(timeKiB) ? timeKiB / 1024 : out.maxRssMiB;
    const rss = out.rssMiB;
    const growth = rss.length > 2 ? (rss[rss.length - 1]! - rss[1]!) / (rss.length - 2) : 0;
    addMetric({ name: 'surface.resnet56.51x51.peak-rss', unit: 'MiB', terrain: peak, baseline: null, higherIsBetter: false, goal: '≤ 1024 MiB',
      note: `${useTime ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS'} over the first ${points} of 2,601 points (1,000 random 3x32x32 images, batch 256, ${ctx.threads} points at once × 1 ORT thread, worker threads included); ` +
        `RSS after each point ${rss.map((v) => v.toFixed(0)).join(', ')} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB/point after the first); ${(out.pointSeconds.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, out.pointSeconds.length - 1)).toFixed(2)} s/point` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
