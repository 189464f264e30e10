import { pageItems, centre } from './tests/print/helpers.ts';
import { readFileSync } from 'node:fs';
const L = JSON.parse(readFileSync('dist/2026-11-20/layout.json', 'utf8'));
const { pages } = await pageItems('dist/2026-11-20/2026-11-20.pdf');
const p = L.pages[0];
for (const m of p.modules) {
  const its = pages[0].filter(t => { const c = centre(t); return c.x >= m.rect.x && c.x <= m.rect.x + m.rect.w && c.y >= m.bodyY && c.y <= m.rect.y + m.rect.h; });
  for (const t of its) if (t.str === '“') { const row = its.filter(u => Math.abs(u.y - t.y) < 3).sort((a,b)=>a.x-b.x); console.log(m.articleId, t.x.toFixed(1), t.y.toFixed(1), row.map(u => u.str + '@' + u.x.toFixed(0)).join(' ').slice(0, 300)); break; }
}
