// Cuts, packs and writes the font files off the main thread (src/web/fonts.ts sends the
// jobs), so harfbuzz, Brotli and the writes run on one core while the pages render on the
// other. The main thread does not run its event loop while it renders (the writes there are
// synchronous), so anything left for it to do per file would wait until the render ends:
// the worker writes each file itself and replies with the packed bytes (transferred, not
// copied) for the process's cache.
// A slice is split into several files (src/web/font-groups.ts): the slice is first cut
// once to all of its characters on the site (unpacking its WOFF2 once), and each file is
// cut from that small TrueType font.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { sfntToWoff2 } from './woff2.js';

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
    const data = sfntToWoff2(Buffer.from(sfnt.buffer, sfnt.byteOffset, sfnt.byteLength));
    writeFileSync(job.to, data);
    // A copy of its own (the pool's buffers share memory) whose memory moves to the main thread.
    const bytes = new Uint8Array(data);
    parentPort.postMessage({ id: job.id, data: bytes }, [bytes.buffer]);
  } catch (err) {
    // A file-system error (a full disk) keeps its code, call and path: the build names the file in one line.
    const { code, syscall, path } = err instanceof Error ? err : {};
    parentPort.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err), fs: code ? { code, syscall, path: path ?? job.to } : undefined });
  }
}
