// Preloaded into a benchmarked child (`node --import ./bench/rss.mjs …`): prints its peak RSS (KB) on exit.
process.on('exit', () => process.stderr.write(`bench-maxrss-kb ${process.resourceUsage().maxRSS}\n`));
