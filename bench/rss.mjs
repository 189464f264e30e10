// Preloaded into a benchmarked child (`node --import ./bench/rss.mjs …`): prints its peak RSS (KB)
// and its CPU time (user + system, all threads, µs) on exit.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`bench-maxrss-kb ${u.maxRSS}\nbench-cpu-us ${u.userCPUTime + u.systemCPUTime}\n`);
});
