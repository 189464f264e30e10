/**
 * Bench-only peers (Eleventy) are not project dependencies: `npm ci` does not install them.
 * The first bench run that needs one installs it with npm into `.banmian-cache/bench-peers/`
 * (git-ignored, outside the project's node_modules) at a pinned version, and imports it
 * from there; later runs reuse that install.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The module `name@version`, installed on first use. */
export async function importPeer(name: string, version: string): Promise<unknown> {
  const dir = path.join(ROOT, '.banmian-cache', 'bench-peers', `${name.replace('/', '+')}@${version}`);
  // A one-line module inside that folder, so Node resolves the package (with its ESM entry) from there.
  const loader = path.join(dir, 'load.mjs');
  if (!existsSync(path.join(dir, 'node_modules', name, 'package.json'))) {
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'package.json'), '{ "private": true }\n');
    process.stderr.write(`bench: installing ${name}@${version} (a bench peer, not a project dependency) into ${path.relative(ROOT, dir)}\n`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', `${name}@${version}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  await writeFile(loader, `export * from ${JSON.stringify(name)};\nexport { default } from ${JSON.stringify(name)};\n`);
  return import(pathToFileURL(loader).href);
}
