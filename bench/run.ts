/**
 * `npm run bench`: every benchmark of the project, one after another, printing numbers.
 * `npm run bench -- parse` (or print, web, build, pack, press, archive, search) runs one of them.
 */
const suites: Record<string, () => Promise<Record<string, number | string>>> = {
  parse: async () => (await import('./parse.js')).benchParse(),
  web: async () => (await import('./web.js')).benchWeb(),
  print: async () => (await import('./print.js')).benchPrint(),
  build: async () => (await import('./build.js')).benchBuild(),
  pack: async () => (await import('./pack.js')).benchPack(),
  press: async () => (await import('./press.js')).benchPress(),
  archive: async () => (await import('./archive.js')).benchArchive(),
  search: async () => (await import('./search.js')).benchSearch(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted.length ? wanted : Object.keys(suites)) {
  const suite = suites[name];
  if (!suite) {
    console.error(`bench: unknown suite "${name}" (known: ${Object.keys(suites).join(', ')})`);
    process.exitCode = 1;
    continue;
  }
  console.log(`\n== ${name} ==`);
  const results = await suite();
  for (const [key, value] of Object.entries(results)) {
    console.log(`${key.padEnd(40)} ${typeof value === 'number' ? +value.toFixed(3) : value}`);
  }
}
