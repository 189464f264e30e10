/**
 * Issue 10, case 9: images that are not what they claim, or not where they should be.
 * Each case is the sample's page 1 in an issue of its own with one image replaced: a
 * symlink to a file outside the issue folder, a truncated JPEG, random bytes named
 * .jpg, a 30000×30000 PNG (a decompression bomb: 112 MB of pixels in 110 KB). Each
 * build, web and print edition alike, stops with exit code 1 and one line naming the
 * page file, the line and the image, and leaves the previous output and the sources
 * untouched (`images/` as a symlinked folder: images-resolve.test.ts). An SVG figure
 * (with a script, event handlers and external references) is published as a PNG under
 * a .png name, and the print edition sets it too.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST, MANIFEST_VERSION } from '../../src/build/cache.js';
import { banmian, digestTree, errorLines, SAMPLE } from './child.js';

const IMAGE = 'images/jingji-zhibiao.jpg';
const PAGE = '01-要闻.md';

let tmp: string;
let line: number;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-rel-images-'));
  line = (await readFile(path.join(SAMPLE, PAGE), 'utf8')).split('\n').findIndex((l) => l.includes(`](${IMAGE}`)) + 1;
  expect(line).toBeGreaterThan(0);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** An issues folder holding the sample's page 1 and its images; `change` then breaks something. */
async function issueWith(name: string, change: (issue: string) => Promise<void>): Promise<{ issues: string; issue: string; out: string }> {
  const issues = path.join(tmp, name, 'issues');
  const issue = path.join(issues, '2026-11-20');
  await mkdir(issue, { recursive: true });
  await cp(path.join(SAMPLE, 'images'), path.join(issue, 'images'), { recursive: true });
  await cp(path.join(SAMPLE, PAGE), path.join(issue, PAGE));
  await cp(path.join(SAMPLE, 'issue.yaml'), path.join(issue, 'issue.yaml'));
  await change(issue);
  return { issues, issue, out: path.join(tmp, name, 'dist') };
}

/** A valid 1-bit grayscale PNG of w×h pixels, all black: its zlib stream is tiny, its pixels are not. */
function bombPng(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  const raw = Buffer.alloc(h * (1 + Math.ceil(w / 8))); // every row: filter 0, then zero bytes
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const cases: Array<{ name: string; why: RegExp; change: (issue: string) => Promise<void> }> = [
  {
    name: 'a symlink to a file outside the issue folder',
    why: /symlink .*outside the issue folder/,
    change: async (issue) => {
      const secret = path.join(tmp, 'secret.jpg');
      await cp(path.join(SAMPLE, IMAGE), secret);
      await rm(path.join(issue, IMAGE));
      await symlink(secret, path.join(issue, IMAGE));
    },
  },
  {
    name: 'a truncated JPEG',
    why: /damaged/,
    change: async (issue) => {
      const bytes = await readFile(path.join(issue, IMAGE));
      await writeFile(path.join(issue, IMAGE), bytes.subarray(0, Math.floor(bytes.length / 2)));
    },
  },
  {
    name: 'random bytes named .jpg',
    why: /not an image/,
    change: async (issue) => {
      let x = 12345;
      await writeFile(path.join(issue, IMAGE), Buffer.from(Array.from({ length: 5000 }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31), x & 0xff))));
    },
  },
  {
    name: 'a 30000×30000 PNG (decompression bomb)',
    why: /30000×30000 pixels, more than the \d+-megapixel limit/,
    change: async (issue) => {
      await writeFile(path.join(issue, 'images', 'bomb.png'), bombPng(30000, 30000));
      const page = path.join(issue, PAGE);
      await writeFile(page, (await readFile(page, 'utf8')).replace(IMAGE, 'images/bomb.png'));
    },
  },
];

describe('images that are refused', () => {
  for (const c of cases) {
    for (const only of ['html', 'pdf'] as const) {
      it(`${c.name} (${only}): exit 1, one line naming page file, line and image; output and sources untouched`, async () => {
        const { issues, out } = await issueWith(`${c.name.replace(/\W+/g, '-')}-${only}`, c.change);
        // A previous output that must survive the failed build.
        await previousOutput(out);
        const previous = await digestTree(out);
        const sources = await digestTree(issues);
        const r = await banmian(['build', '--issues', issues, '--out', out, '--only', only]);
        expect(r.code).toBe(1);
        const lines = errorLines(r);
        expect(lines).toHaveLength(1);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
        const image = c.name.includes('bomb') ? 'images/bomb.png' : IMAGE;
        expect(lines[0]).toContain(`${PAGE}:${line}: image ${image}: `);
        expect(lines[0]).toMatch(c.why);
        expect(await digestTree(out)).toEqual(previous);
        expect(await digestTree(issues)).toEqual(sources);
      }, 300_000);
    }
  }
});

it('images/ as a symlink to a folder outside the issues folder: one line naming it, exit 1, output and sources untouched', async () => {
  const { issues, issue, out } = await issueWith('symlinked-folder', async (dir) => {
    await cp(path.join(dir, 'images'), path.join(tmp, 'symlinked-folder', 'elsewhere'), { recursive: true });
    await rm(path.join(dir, 'images'), { recursive: true });
    await symlink(path.join(tmp, 'symlinked-folder', 'elsewhere'), path.join(dir, 'images'));
  });
  await previousOutput(out);
  const previous = await digestTree(out);
  const sources = await digestTree(issues);
  const r = await banmian(['build', '--issues', issues, '--out', out, '--only', 'html']);
  expect(r.code).toBe(1);
  const lines = errorLines(r);
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/internal error|EISDIR|\n\s+at /);
  expect(lines[0]).toContain(path.join(issue, 'images'));
  expect(lines[0]).toMatch(/symbolic link .* outside the issues folder/);
  expect(await digestTree(out)).toEqual(previous);
  expect(await digestTree(issues)).toEqual(sources);
}, 120_000);

/** A previous banmian output (its manifest and one file) that a failed build must leave as it was. */
async function previousOutput(out: string): Promise<void> {
  await mkdir(path.join(out, path.dirname(MANIFEST)), { recursive: true });
  await writeFile(path.join(out, MANIFEST), JSON.stringify({ version: MANIFEST_VERSION, print: {} }));
  await writeFile(path.join(out, 'previous.txt'), 'the last good build\n');
}

describe('an SVG figure', () => {
  const SVG = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" height="300" onload="alert(1)">
<script>alert('svg script')</script>
<rect width="400" height="300" fill="#c41e24"/>
<image href="https://example.com/tracker.png" width="10" height="10"/>
<image xlink:href="file:///etc/passwd" width="10" height="10"/>
<circle cx="200" cy="150" r="80" fill="#ffffff" onclick="alert(2)"/>
</svg>`;
  let built: { issues: string; issue: string; out: string };
  let r: Awaited<ReturnType<typeof banmian>>;

  beforeAll(async () => {
    built = await issueWith('svg', async (issue) => {
      await writeFile(path.join(issue, 'images', 'chart.svg'), SVG);
      const page = path.join(issue, PAGE);
      await writeFile(page, (await readFile(page, 'utf8')).replace(IMAGE, 'images/chart.svg'));
    });
    r = await banmian(['build', '--issues', built.issues, '--out', built.out]);
  }, 600_000);

  it('is published as a PNG under a .png name, never as SVG', async () => {
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const dir = path.join(built.out, '2026-11-20', 'images');
    expect(existsSync(path.join(dir, 'chart.svg'))).toBe(false);
    const png = await readFile(path.join(dir, 'chart.svg.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const all: string[] = [];
    const walk = async (d: string) => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(path.join(d, e.name));
        else all.push(path.join(d, e.name));
      }
    };
    await walk(built.out);
    expect(all.filter((f) => f.endsWith('.svg') && !f.endsWith('icon.svg'))).toEqual([]);
    // The article page shows the PNG; nothing of the SVG's script or handlers is anywhere in the HTML.
    const html = await readFile(path.join(built.out, '2026-11-20', '01', 'a1', 'index.html'), 'utf8');
    expect(html).toContain('images/chart.svg.png');
    for (const f of all.filter((x) => x.endsWith('.html'))) expect(await readFile(f, 'utf8')).not.toMatch(/svg script|alert\(|tracker\.png/);
  });

  it('is in the print edition (as the PNG rendered from it) and the sources are untouched', async () => {
    const layout = JSON.parse(await readFile(path.join(built.out, '2026-11-20', 'layout.json'), 'utf8')) as { pages: unknown[] };
    expect(layout.pages).toHaveLength(1);
    expect(await readFile(path.join(built.issue, 'images', 'chart.svg'), 'utf8')).toBe(SVG);
  });
});
