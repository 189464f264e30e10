/** Photos for the press: resampled with sharp to 300 dpi of their placed width, never enlarged; low resolution reported. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article, Figure, Page } from '../../src/ast/types.js';
import { resolveConfig } from '../../src/config/index.js';
import { makeGrid, spanWidth } from '../../src/layout/grid.js';
import { ORIGIN, type AssetTable } from '../../src/print/assets.js';
import type { ModuleRender, PageRender } from '../../src/print/document.js';
import { preparePrintPhotos, PRINT_DPI } from '../../src/print/photos.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-photos-'));
  await sharp({ create: { width: 4000, height: 2500, channels: 3, background: '#3a6ea5' } }).jpeg().toFile(path.join(dir, 'big.jpg'));
  await sharp({ create: { width: 400, height: 300, channels: 3, background: '#a53a3a' } }).jpeg().toFile(path.join(dir, 'small.jpg'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const grid = makeGrid(resolveConfig({ paper: { name: '海岸新闻', cn: 'CN 37-0099' } }, 'test').print);

function render(columns: number, file: string, table: AssetTable): PageRender {
  const urlPath = `/images/0-a1-p1${path.extname(file)}`;
  table.files.set(urlPath, path.join(dir, file));
  const figure = { type: 'figure', src: `images/${file}`, children: [] } as Figure;
  const module = { article: { type: 'article', id: 'a1', lead: false, children: [] } as Article, columns, photos: [{ figure, src: ORIGIN + urlPath, heightPt: 100 }] } as unknown as ModuleRender;
  return { page: { number: 1 } as Page, masthead: false, modules: [module] };
}

describe('preparePrintPhotos', () => {
  it('resamples a camera-size photo to 300 dpi of its placed width', async () => {
    const table: AssetTable = { files: new Map(), docs: new Map() };
    const r = render(2, 'big.jpg', table);
    const { low, ready } = await preparePrintPhotos(grid, table, [r]);
    await ready;
    expect(low).toEqual([]);
    const src = r.modules[0].photos[0].src;
    expect(src.startsWith(`${ORIGIN}/print-images/`)).toBe(true);
    const served = table.docs.get(new URL(src).pathname)!;
    const meta = await sharp(await served.body).metadata();
    expect(meta.width).toBe(Math.ceil((spanWidth(grid, 2) / 72) * PRINT_DPI));
    expect(meta.height).toBe(Math.round((meta.width! * 2500) / 4000));
  });

  it('never enlarges, and reports a photo too small for its place', async () => {
    const table: AssetTable = { files: new Map(), docs: new Map() };
    const r = render(6, 'small.jpg', table);
    const { low } = await preparePrintPhotos(grid, table, [r]);
    expect(low).toHaveLength(1);
    expect(low[0]).toMatchObject({ page: 1, article: 'a1', widthPx: 400 });
    expect(low[0].dpi).toBeLessThan(150);
    // Smaller than print resolution already: the original file is served unchanged.
    expect(r.modules[0].photos[0].src).toBe(`${ORIGIN}/images/0-a1-p1.jpg`);
  });
});
