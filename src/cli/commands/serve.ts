// terrain serve [DIR] --port N: a local web app over the runs under DIR (live progress, comparison, downloads).
import type { Command } from 'commander';
import { startServer } from '../../web/server.js';
import { intOption } from '../common.js';
import { UsageError } from '../errors.js';
import { makeOutput } from '../output.js';
import { checkFolders } from './report.js';

export function registerServe(program: Command): void {
  program.command('serve').description('a local web app (127.0.0.1) listing every run under DIR, with live progress, comparison and downloads')
    .argument('[dir]', 'folder holding run directories', 'runs')
    .option('--port <n>', 'TCP port on 127.0.0.1 (0: any free port)', intOption('--port'), 8080)
    .option('--poll <ms>', 'how often the page refreshes progress, in ms (0: never)', intOption('--poll'), 2000)
    .option('--json', 'print one JSON object (the URL) as the last line of stdout once listening')
    .action(async (dir: string, flags: { port: number; poll: number; json?: boolean }) => {
      const out = makeOutput(!!flags.json);
      checkFolders([dir], 'serve:');
      if (flags.port > 65535) throw new UsageError(`--port ${flags.port} is not a TCP port (0..65535)`);
      let server;
      try {
        server = await startServer({ root: dir, port: flags.port, pollMs: flags.poll });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new UsageError(`--port ${flags.port} is in use on 127.0.0.1; pass another --port, or --port 0 for any free one`);
        if (code === 'EACCES') throw new UsageError(`--port ${flags.port} needs privileges; use a port above 1023`);
        throw e;
      }
      out.say(`serving the runs under ${dir} at ${server.url} (Ctrl-C stops)`);
      out.result({ url: server.url, port: server.port, root: dir });
      await new Promise<void>((done) => {
        const stop = (): void => { void server.close().then(done); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
