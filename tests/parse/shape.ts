/**
 * The shape of a parsed page: its block nodes in tree order (kinds, nesting, interview
 * speakers), without text. Interviewees' names become P1, P2… in order of appearance, so
 * two pages that differ only by the people's names have the same shape. Used by the
 * metamorphic suite and the shape goldens of corpus pages (which must hold no corpus text).
 */
import type { Node, Parent } from 'unist';

const INLINE = new Set(['text', 'break', 'strong', 'emphasis', 'link', 'inlineCode', 'html']);
const FIXED_SPEAKERS = new Set(['记者', '本报记者', '问', '答', '主持人', '记者问']);

export function shapeOf(page: Node): string[] {
  const names = new Map<string, string>();
  const canon = (s: string) => {
    if (FIXED_SPEAKERS.has(s)) return s;
    if (!names.has(s)) names.set(s, `P${names.size + 1}`);
    return names.get(s)!;
  };
  const out: string[] = [];
  const walk = (n: Node, depth: number) => {
    if (INLINE.has(n.type)) return;
    const fields = n as Node & { speaker?: unknown; direction?: unknown };
    let line = `${'  '.repeat(depth)}${n.type}`;
    if ((n.type === 'question' || n.type === 'answer') && typeof fields.speaker === 'string') line += ` ${canon(fields.speaker)}`;
    if (n.type === 'jump') line += ` ${String(fields.direction)}`;
    out.push(line);
    if (n.type === 'speaker') return;
    for (const c of (n as Parent).children ?? []) walk(c, depth + 1);
  };
  walk(page, 0);
  return out;
}
