// Subsets font slices off the main thread (src/web/fonts.ts sends the jobs), so harfbuzz
// runs on one core while the pages render on the other. Replies with the subset as SFNT.
// A slice is split into several files (src/web/font-groups.ts), so each source is
// unpacked from WOFF2 once and kept as TrueType for the next job.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const subsetFont = require('subset-font');
const fontverter = require('fontverter');
const sources = new Map();

// One job at a time: the converter hands back views into its wasm memory, which a second
// conversion running meanwhile would overwrite before they are copied.
let queue = Promise.resolve();
parentPort.on('message', (job) => {
  queue = queue.then(() => run(job));
});

async function run(job) {
  try {
    let source = sources.get(job.file);
    if (!source) {
      source = Buffer.from(await fontverter.convert(readFileSync(job.file), 'truetype'));
      sources.set(job.file, source);
    }
    const sfnt = await subsetFont(source, job.text, { targetFormat: 'sfnt' });
    parentPort.postMessage({ id: job.id, data: sfnt });
  } catch (err) {
    parentPort.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
}
