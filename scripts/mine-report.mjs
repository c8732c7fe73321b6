// Prints the mining runs under DIR as the markdown tables of docs/mining.md.  Usage: node scripts/mine-report.mjs DIR
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'runs/mining';
const read = (p) => JSON.parse(readFileSync(p, 'utf8'));
for (const name of readdirSync(dir).sort()) {
  const path = join(dir, name, 'result.json');
  if (!existsSync(path)) continue;
  const r = read(path);
  if (r.kind === 'mine') {
    const run = read(join(dir, name, 'run.json'));
    const o = run.identity.objective;
    console.log(`\n### ${name}: ${r.shape} → ${r.successes}/${r.seeds.length} = ${(100 * r.successRate).toFixed(0)}% judged ${r.target} on held-out data\n`);
    console.log(`Objective ${JSON.stringify(o.options ?? {})}, probes λ = ${r.probes.join(', ')}; ${run.identity.constraint.norm} norm; ` +
      `${run.identity.optimizer.steps} Adam steps, lr ${run.identity.optimizer.lr} (${run.identity.optimizer.schedule}), batch ${run.identity.optimizer.batch}; ` +
      `mined on ${r.mining.split} (${r.mining.count} samples), judged on ${r.heldOut.split} (${r.heldOut.count} samples), grid ${r.judgeRange}.\n`);
    console.log('| seed | held-out type | success | type on mining data | objective (last 10% of steps) | objective (held-out) | seconds |');
    console.log('|---|---|---|---|---|---|---|');
    for (const s of r.seeds) {
      console.log(`| ${s.seed} | ${s.type} | ${s.success ? 'yes' : 'no'} | ${s.inSampleType ?? '—'} | ${s.finalObjective.toPrecision(3)} | ${s.heldOutObjective.toPrecision(3)} | ${s.seconds.toFixed(1)} |`);
    }
  } else if (r.kind === 'surface') {
    const nx = r.x.length, ny = r.y.length;
    const i0 = r.x.indexOf(0), j0 = r.y.indexOf(0);
    let min = Infinity, at = [0, 0];
    r.loss.forEach((row, j) => row.forEach((v, i) => { if (v < min) { min = v; at = [r.x[i], r.y[j]]; } }));
    const centre = i0 >= 0 && j0 >= 0 ? r.loss[j0][i0] : NaN;
    console.log(`\n- ${name}: ${nx}×${ny}, cos(x, y) = ${r.cosineXY.toFixed(3)}, loss at θ ${centre.toFixed(4)}, minimum ${min.toFixed(4)} at (${at[0]}, ${at[1]})`);
  }
}
