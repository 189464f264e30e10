// Subsets font slices off the main thread (src/web/fonts.ts sends the jobs), so harfbuzz
// runs on one core while the pages render on the other. Replies with the subset as SFNT.
// A slice is split into several files (src/web/font-groups.ts): the slice is first cut
// once to all of its characters on the site (unpacking its WOFF2 once), and each file is
// cut from that small TrueType font.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const subsetFont = createRequire(import.meta.url)('subset-font');
const sources = new Map();

// One job at a time: subset-font's WOFF2 unpacking hands back a view into wasm memory,
// which a second job running meanwhile would overwrite before it is copied.
let queue = Promise.resolve();
parentPort.on('message', (job) => {
  queue = queue.then(() => run(job));
});

async function run(job) {
  try {
    const key = `${job.file}\0${job.sliceText}`;
    let source = sources.get(key);
    if (!source) {
      source = Buffer.from(await subsetFont(readFileSync(job.file), job.sliceText, { targetFormat: 'sfnt' }));
      sources.set(key, source);
    }
    const sfnt = await subsetFont(source, job.text, { targetFormat: 'sfnt' });
    parentPort.postMessage({ id: job.id, data: sfnt });
  } catch (err) {
    parentPort.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
}
