// `pnpm bench`: benchmarks printed as tables. Targets are stated beside the numbers, never asserted.
import { runImageSearchBench } from './image-search-bench.js';
import { runInventoryBench } from './inventory-bench.js';
import { runScanBench } from './scan-bench.js';
import { runVulnStoreBench, vulnStoreBenchSizes } from './vuln-store-bench.js';
import { runDashboardBench } from './dashboard-bench.js';

console.log(`Scan benchmark: 200 containers over 40 repositories with 110 tags each (memory Docker fake).`);
console.log('Targets: one tag list per repository per scan (40), at most one manifest HEAD per container, one token per registry scope, wall time falling with concurrency.\n');
console.table(await runScanBench());

console.log('\nInventory matching: one 2,000-item report against a synthetic NVD-shaped database of 200,000 CPE criteria (memory vulnerability store).');
console.log('Target: under 100 ms p50 per report.\n');
console.table(await runInventoryBench());

console.log('\nImage search: 5,000 images through the container image inventory search and facet engine.');
console.log('Target: search under 50 ms.\n');
console.table(await runImageSearchBench());

const sizes = vulnStoreBenchSizes();
console.log(`\nVulnerability store (embedded SQLite, <dataDir>/vulnerabilities.db): ${sizes.map((n) => n.toLocaleString('en')).join(', ')} synthetic NVD 2.0 records.`);
console.log('Import: the feed streamed through `sentinel-server import`\'s path (generated as it is read), one process per size.');
const vulnStore = await runVulnStoreBench(sizes);
console.table(vulnStore.imports);
console.log('\nServer over that data directory (one process each): start, idle RSS, a 2,000-item report matched (first report, then p50/p99 of 30), a small settings write (p50 of 100, bytes written per write).');
console.log('Targets: start < 3 s, idle RSS < 300 MB, match p50/p99 <= 100 ms at 250k, settings write within 10% of empty and < 1 MB written.\n');
console.table(vulnStore.server);
console.log('\nDashboard: the containers page with 1,000 containers (memory Docker fake) in Debian\'s chromium.');
console.log('Targets: renders in under a second; stays live over SSE without polling; small JavaScript.\n');
console.table(await runDashboardBench());
