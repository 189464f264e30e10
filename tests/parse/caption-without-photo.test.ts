/** A photo caption whose photo is missing: a `caption-without-photo` warning, and a caption (figure) in the AST, not body text. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePageFile } from '../../src/parse/index.js';

async function parse(text: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-caption-'));
  try {
    const file = path.join(dir, '01-要闻.md');
    await writeFile(file, text);
    return await parsePageFile(file, { root: dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const BODY = '# 海岸新区举行人才周活动\n\n本报讯 海岸新区人才周昨日开幕，来自全国的两百多家企业参加。\n\n';

describe('caption-without-photo', () => {
  it('warns, naming the line, and keeps the caption a caption', async () => {
    const { page, file } = await parse(`${BODY}人才周现场，求职者在展位前咨询。\n\n宋知远 摄\n\n活动将持续到本月底。\n`);
    const warnings = file.messages.filter((m) => m.ruleId === 'caption-without-photo');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].fatal).toBe(false);
    expect(warnings[0].line).toBe(5);
    const figures = JSON.stringify(page).match(/"type":"figure"/g) ?? [];
    expect(figures).toHaveLength(1);
    expect(JSON.stringify(page)).toContain('"type":"caption"');
  });
  it('says nothing when the photo is there', async () => {
    const { file } = await parse(`${BODY}![人才周现场，求职者在展位前咨询。](images/a.jpg "宋知远 摄")\n\n活动将持续到本月底。\n`);
    expect(file.messages.filter((m) => m.ruleId === 'caption-without-photo')).toHaveLength(0);
  });
});
