/**
 * The print and press benches' input: an 8-page issue made of the sample's 4 pages twice,
 * in a folder of the caller's. A copy is a new page: its front matter's page number (if
 * any) moves on too.
 */
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Writes the issue to `<dir>/2026-11-20` and returns that folder. */
export async function eightPageIssue(dir: string): Promise<string> {
  const issueDir = path.join(dir, '2026-11-20');
  await cp(path.join(ROOT, 'issues', '2026-11-20'), issueDir, { recursive: true });
  for (const f of await readdir(issueDir)) {
    const m = /^0([1-4])(.*\.(md|txt))$/.exec(f);
    if (!m) continue;
    const text = (await readFile(path.join(issueDir, f), 'utf8')).replace(/^page:\s*\d+\s*$/m, `page: ${Number(m[1]) + 4}`);
    await writeFile(path.join(issueDir, `0${Number(m[1]) + 4}${m[2]}`), text);
  }
  return issueDir;
}
