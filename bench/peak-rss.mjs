/**
 * Preloaded (`node --import`) into each process the startup benchmark runs: at exit, its peak resident set
 * (kB) goes to the file named by WH_BENCH_RSS_FILE. Node tells a parent nothing of a child's peak memory.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.WH_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
