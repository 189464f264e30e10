import fontverter from 'fontverter';
import { readFileSync } from 'node:fs';
const f = process.argv[2];
const buf = await fontverter.convert(readFileSync(f), 'sfnt');
const n = buf.readUInt16BE(4); const tables = {};
for (let i = 0; i < n; i++) { const o = 12 + 16 * i; tables[buf.toString('latin1', o, o + 4)] = buf.readUInt32BE(o + 8); }
const feats = (tag) => { const t = tables[tag]; if (t === undefined) return 'none'; const fl = t + buf.readUInt16BE(t + 6); const c = buf.readUInt16BE(fl); const out = new Set(); for (let i = 0; i < c; i++) out.add(buf.toString('latin1', fl + 2 + 6 * i, fl + 6 + 6 * i)); return [...out].join(','); };
console.log(Object.keys(tables).join(' '), '| GPOS', feats('GPOS'), '| GSUB', feats('GSUB'));
