// Loaded with `node --import` by the hostile suite: reports the process's peak resident memory and CPU time (user +
// system, which load on the machine does not inflate the way it does wall time) as its last stderr line.
process.on('exit', () => {
  const cpu = process.cpuUsage();
  process.stderr.write(`\nhostile-probe max-rss-kib ${process.resourceUsage().maxRSS} cpu-ms ${Math.round((cpu.user + cpu.system) / 1000)}\n`);
});
