// Subsets font slices off the main thread (src/web/fonts.ts sends the jobs), so harfbuzz
// runs on one core while the pages render on the other. Replies with the subset as SFNT.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const subsetFont = createRequire(import.meta.url)('subset-font');

parentPort.on('message', async (job) => {
  try {
    const sfnt = await subsetFont(readFileSync(job.file), job.text, { targetFormat: 'sfnt' });
    parentPort.postMessage({ id: job.id, data: sfnt });
  } catch (err) {
    parentPort.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
});
