/**
 * Interview turns (问 / 答). `记者：…` asks; `<name>：…` answers, where the name is the
 * interviewee named in the subtitle (`——访…杨军`) or headline, or a short 2–4 Han
 * label used as a speaker in an article that has questions. An answer holds all its
 * paragraphs until the next turn. Closing paragraphs after the last turn that read as
 * the reporter's wrap-up (third person: the interviewee or the organisation named,
 * no first person outside quotes, or a narrative opener like 据了解) are plain
 * paragraphs again.
 */
import type { Block } from './blocks.js';
import { QUESTION_LABELS, intervieweeName, namedSpeaker, speakerLabel, speakerLabelLoose } from './patterns.js';
import { type Source, report } from './source.js';
import { HEADER_TYPES } from '../ast/vocabulary.js';

export interface Turn {
  turn: 'question' | 'answer';
  speaker: string;
  paras: Block[];
  /** Length (plain-text) of the speaker label + colon in the first paragraph; 0 if the turn continues after a figure. */
  labelLength: number;
  explicit: boolean;
}

export type BodyItem = Block | Turn;

export function isTurn(x: BodyItem): x is Turn {
  return 'turn' in x;
}

const HEADER = HEADER_TYPES;
const NARRATIVE_OPENER = /^(据了解|据悉|据介绍|据统计|采访结束|采访中|采访最后|记者了解到|记者注意到|记者获悉|记者看到|记者在)/;
const ORG_RE = /访(.{2,14}?(?:街道|镇|乡|区|县|市|局|委员会|公司|集团|中心|学校|医院|大学|学院|村|社区|厅|院|所|馆))/;

function stripQuotes(t: string): string {
  return t.replace(/“[^”]*”/g, '').replace(/「[^」]*」/g, '');
}

function isWrapUp(text: string, name: string | undefined, org: string | undefined): boolean {
  if (NARRATIVE_OPENER.test(text)) return true;
  const outside = stripQuotes(text);
  if (name && name.length >= 2 && outside.includes(name)) return true;
  const firstPerson = /我们|咱们|我(?!国|省|市|区|县|镇|街)/.test(outside);
  if (org && outside.includes(org) && !firstPerson) return true;
  return false;
}

export function detectInterview(src: Source, blocks: Block[]): BodyItem[] {
  const header = blocks.filter((b) => HEADER.has(b.kind));
  const headerText = header.map((b) => b.text).join('\n');
  // People named in a `——访…` subtitle speak by that exact name, whatever its characters.
  const named = new Set<string>();
  for (const b of header) {
    if (b.kind !== 'subtitle') continue;
    const name = intervieweeName(b.text);
    if (name) named.add(name);
  }
  const labels = new Map<Block, { label: string; length: number }>();
  const uses = new Map<string, number>();
  let questions = 0;
  let explicitTurns = 0;
  let namedTurns = 0;
  for (const b of blocks) {
    if (b.kind === 'question' || b.kind === 'answer') explicitTurns++;
    if (b.kind !== 'paragraph' || b.explicit || b.noInfer) continue;
    let sp: { label: string; length: number; common?: boolean } | undefined;
    for (const name of named) if (!sp) sp = namedSpeaker(b.text, name);
    if (sp) namedTurns++;
    else sp = speakerLabelLoose(b.text);
    if (!sp) continue;
    labels.set(b, sp);
    uses.set(sp.label, (uses.get(sp.label) ?? 0) + 1);
    if (QUESTION_LABELS.has(sp.label)) questions++;
  }
  // A label with a common character (张在明, 李和平) is a name when the header names it or it opens several turns.
  for (const [b, sp] of labels) {
    if ((sp as { common?: boolean }).common && !named.has(sp.label) && !headerText.includes(sp.label) && (uses.get(sp.label) ?? 0) < 2) labels.delete(b);
  }
  if (!questions && !explicitTurns && !namedTurns && ![...labels.values()].some((l) => l.label === '答')) return blocks;

  const answerLabels = new Set<string>();
  for (const { label } of labels.values()) {
    if (QUESTION_LABELS.has(label)) continue;
    if (label === '答' || named.has(label) || headerText.includes(label) || questions > 0) answerLabels.add(label);
  }
  const subtitle = header.find((b) => b.kind === 'subtitle')?.text ?? '';
  const org = ORG_RE.exec(subtitle)?.[1];
  let interviewee: string | undefined = named.size ? [...named][named.size - 1] : undefined;
  if (!interviewee) for (const l of answerLabels) if (headerText.includes(l) && l !== '答') interviewee = l;

  const out: BodyItem[] = [];
  let current: Turn | undefined;
  let suspended: Turn | undefined; // an answer interrupted by a figure
  for (const b of blocks) {
    if (b.kind === 'question' || b.kind === 'answer') {
      const sp = speakerLabel(b.text);
      const speaker = sp?.label ?? (b.kind === 'question' ? '记者' : (current?.speaker ?? interviewee ?? '答'));
      current = { turn: b.kind, speaker, paras: [b], labelLength: sp?.length ?? 0, explicit: true };
      suspended = undefined;
      out.push(current);
      continue;
    }
    const sp = labels.get(b);
    if (sp && (QUESTION_LABELS.has(sp.label) || answerLabels.has(sp.label))) {
      current = {
        turn: QUESTION_LABELS.has(sp.label) ? 'question' : 'answer',
        speaker: sp.label,
        paras: [b],
        labelLength: sp.length,
        explicit: false,
      };
      suspended = undefined;
      out.push(current);
      continue;
    }
    if (b.kind === 'paragraph' && !b.noInfer) {
      if (current) {
        current.paras.push(b);
        continue;
      }
      if (suspended) {
        current = { turn: suspended.turn, speaker: suspended.speaker, paras: [b], labelLength: 0, explicit: false };
        suspended = undefined;
        out.push(current);
        continue;
      }
    }
    if (b.kind === 'figure' && current) suspended = current;
    else suspended = undefined;
    current = undefined;
    out.push(b);
  }

  // Wrap-up paragraphs after the last turn.
  let lastTurnIdx = -1;
  for (let k = out.length - 1; k >= 0; k--) {
    if (isTurn(out[k])) {
      lastTurnIdx = k;
      break;
    }
  }
  if (lastTurnIdx >= 0) {
    const last = out[lastTurnIdx] as Turn;
    if (last.turn === 'answer' && !last.explicit) {
      const name = interviewee ?? last.speaker;
      const released: Block[] = [];
      while (last.paras.length > 1) {
        const p = last.paras[last.paras.length - 1];
        if (!isWrapUp(p.text, name, org)) break;
        released.unshift(last.paras.pop()!);
      }
      if (released.length) {
        report(
          src,
          'treated the closing paragraph(s) after the last answer as the reporter\'s wrap-up',
          'interview-wrap-up',
          released[0].start,
          released[released.length - 1].end,
          'info',
        );
        out.splice(lastTurnIdx + 1, 0, ...released);
      }
    }
  }
  return out;
}
