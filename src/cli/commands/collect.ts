// terrain collect DIR: finishes a run started with --queue from its directory alone (the submitting process may be
// gone): waits for the workers, writes every point once, then result.json and the figures, as curve/surface would.
// A --tolerance run's passes are decided here too: collect writes the blocks finished meanwhile and queues the rest.
import type { Command } from 'commander';
import type { CurveResult, DataSelection, SurfaceResult } from '../../core/landscape/job.js';
import { makeOutput } from '../output.js';
import { untilInterrupted } from '../interrupt.js';
import { queueUrlOption, redisWaitOption } from './queue-options.js';
import { writeLandscapePlots } from './landscape-plots.js';

interface CollectFlags {
  queue?: string;
  redisWait: number;
  json?: boolean;
  plots: boolean;
}

export function registerCollect(program: Command): void {
  const cmd = program.command('collect').description('collect the queued points of a curve/surface run into its directory and finish it (a --tolerance run: also the passes left)')
    .argument('<dir>', 'run directory of a curve/surface started with --queue')
    .option('--queue <url>', 'Redis as this machine reaches it (default: the URL in DIR/queue.json)', queueUrlOption())
    .option('--no-plots', 'skip the SVG/PNG figures')
    .option('--json', 'print one JSON object as the last line of stdout');
  redisWaitOption(cmd).action(async (dir: string, flags: CollectFlags) => {
      const { collectRun } = await import('../../distributed/coordinator.js');
      const out = makeOutput(!!flags.json);
      let bar: ReturnType<typeof out.progress> | undefined;
      let res;
      try {
        res = await untilInterrupted((signal) => collectRun(dir, {
          url: flags.queue, signal, redisWaitMs: flags.redisWait * 1000,
          log: (line) => process.stderr.write(`terrain: ${line}\n`),
          onProgress: (p) => { bar ??= out.progress('collect', p.total); bar.update(p.done, p.etaMs); },
        }));
      } finally {
        bar?.stop();
      }
      const identity = res.run.config.identity as { model: { path: string }; data: DataSelection; bn: string };
      const title = { model: identity.model.path, data: `${identity.data.source} (${identity.data.split}, ${identity.data.count} samples)`, bn: identity.bn };
      const plots = flags.plots ? await writeLandscapePlots(res.run.dir, res.result, title) : [];
      const r = res.result as CurveResult | SurfaceResult;
      out.say(r.kind === 'curve' ? `${r.direction}: ${r.type}` : `surface ${r.x.length}×${r.y.length}, cos(x, y) = ${r.cosineXY.toFixed(4)}`);
      out.say(`collected ${res.run.finished.size - res.resumed} points; results in ${res.run.dir}/result.json${plots.length ? `, figures: ${plots.join(', ')}` : ''}`);
      out.result({ ...res.result, dir: res.run.dir, resumed: res.resumed, plots });
    });
}
