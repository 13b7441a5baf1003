// `pnpm bench`: benchmarks printed as tables. Targets are stated beside the numbers, never asserted.
import { runScanBench } from './scan-bench.js';

console.log(`Scan benchmark: 200 containers over 40 repositories with 110 tags each (memory Docker fake).`);
console.log('Targets: one tag list per repository per scan (40), at most one manifest HEAD per container, one token per registry scope, wall time falling with concurrency.\n');
console.table(await runScanBench());
