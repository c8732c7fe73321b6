// Smoke test of `terrain reproduce` on the tiny budget: every claim gets a row, the numbers come from the runs'
// own result files, and a second run reuses every finished step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../main-program.js';
import { CLAIMS } from '../../core/reproduce/claims.js';

async function quiet(args: string[]): Promise<string> {
  let text = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => { text += String(chunk); return true; }) as typeof process.stdout.write;
  try {
    await buildProgram().parseAsync(['node', 'terrain', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return text;
}

interface Claims {
  rows: { claim: string; setting: string; verdict: string; values: Record<string, number> }[];
  steps: { step: string; skipped: boolean }[];
}

test('reproduce --budget tiny: a row per claim, numbers traceable to the runs, resumable', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-reproduce-'));
  try {
    process.env['TERRAIN_NO_PROGRESS'] = '1';
    await quiet(['reproduce', '--budget', 'tiny', '--out', dir, '--no-report', '--json']);
    const claims = JSON.parse(readFileSync(join(dir, 'claims.json'), 'utf8')) as Claims;
    assert.deepEqual(new Set(claims.rows.map((r) => r.claim)), new Set(Object.values(CLAIMS)), 'every claim has a row');
    for (const r of claims.rows) assert.ok(['holds', 'fails', 'not measured'].includes(r.verdict), `${r.claim}: ${r.verdict}`);

    // GMI: 2 seeds × 4 directions, the v-basin count equal to what the gmi runs wrote.
    const gmi = claims.rows.find((r) => r.claim === CLAIMS.gmi)!;
    assert.equal(gmi.values['curves'], 8);
    let vBasins = 0;
    for (const seed of [0, 1]) {
      const g = JSON.parse(readFileSync(join(dir, 'digits-mlp', `gmi-seed${seed}`, 'result.json'), 'utf8')) as { directions: { measuredType: string }[] };
      vBasins += g.directions.filter((d) => d.measuredType === 'v-basin').length;
    }
    assert.equal(gmi.values['vBasins'], vBasins);
    // tr(H) at init and epochs 1, 2 for each of the two seeds.
    assert.equal(claims.rows.find((r) => r.claim === CLAIMS.traceTraining)!.values['checkpoints'], 6);
    const md = readFileSync(join(dir, 'REPRODUCTION.md'), 'utf8');
    assert.match(md, /\| claim \| setting \| measured \| uncertainty \| verdict \|/);
    assert.ok(md.includes(CLAIMS.mli));

    await quiet(['reproduce', '--budget', 'tiny', '--out', dir, '--no-report', '--json']);
    const again = JSON.parse(readFileSync(join(dir, 'claims.json'), 'utf8')) as Claims;
    assert.ok(again.steps.every((s) => s.skipped), `finished steps are reused: ${again.steps.filter((s) => !s.skipped).map((s) => s.step).join(', ')}`);
    assert.deepEqual(again.rows, claims.rows);

    // --settings picks settings of the budget by id; an unknown id is refused with the choices.
    await quiet(['reproduce', '--budget', 'tiny', '--settings', 'digits-mlp', '--out', dir, '--no-report', '--json']);
    assert.deepEqual((JSON.parse(readFileSync(join(dir, 'claims.json'), 'utf8')) as Claims).rows, claims.rows);
    await assert.rejects(quiet(['reproduce', '--budget', 'tiny', '--settings', 'fmnist-mlp', '--out', dir]), /'fmnist-mlp' is not a setting of budget tiny; choose from digits-mlp/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
