/**
 * Rewrites the colour operators of a content stream from RGB to CMYK (see colour.ts for
 * which CMYK), and switches overprint on for K-only 100 % and off for everything else,
 * through four ExtGStates the caller puts in the stream's resources (`overprintStates`).
 * Every other operation is copied byte for byte.
 */
import type { ColourMapper, Cmyk, Rgb } from './colour.js';
import { fmt, name, num, type Operation, tokenise } from './tokens.js';

/** What a colour-space resource name is, as far as the rewrite cares. */
export type SpaceKind = 'rgb' | 'gray' | 'cmyk' | 'other';

export interface StreamScope {
  /** Kind of the colour space `/name` in this stream's resources (or a device space's name). */
  space(name: string): SpaceKind;
  /** Overprint flags an ExtGState of the resources sets, if any. */
  extGState(name: string): { OP?: boolean; op?: boolean } | undefined;
}

/** Resource names of the overprint states: `PressOP<stroke><fill>`, each 0 or 1. */
export const overprintStateName = (stroke: boolean, fill: boolean) => `PressOP${stroke ? 1 : 0}${fill ? 1 : 0}`;

export interface ParsedStream {
  bytes: Uint8Array;
  ops: Operation[];
}

export function parseStream(bytes: Uint8Array): ParsedStream {
  return { bytes, ops: tokenise(bytes) };
}

const DEVICE: Record<string, SpaceKind> = { DeviceRGB: 'rgb', RGB: 'rgb', DeviceGray: 'gray', G: 'gray', DeviceCMYK: 'cmyk', CMYK: 'cmyk' };
export const spaceKindOfName = (n: string, scope: StreamScope): SpaceKind => DEVICE[n] ?? scope.space(n);

const nums = (op: Operation): number[] | undefined => {
  const v = op.operands.map(num);
  return v.every((x) => x !== undefined) ? (v as number[]) : undefined;
};

/** The RGB colours a stream sets (so the mapper can convert them all at once). */
export function collectColours(stream: ParsedStream, scope: StreamScope, mapper: ColourMapper): void {
  walk(stream, scope, (rgb) => mapper.want(rgb));
}

/** Calls `seen` for every RGB colour set; returns, per op index, the colour it sets and for which side. */
function walk(stream: ParsedStream, scope: StreamScope, seen: (rgb: Rgb) => void): Map<number, { side: 'fill' | 'stroke'; rgb: Rgb }> {
  const found = new Map<number, { side: 'fill' | 'stroke'; rgb: Rgb }>();
  let fill: SpaceKind = 'gray';
  let stroke: SpaceKind = 'gray';
  const stack: Array<[SpaceKind, SpaceKind]> = [];
  const ops = stream.ops;
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k];
    let side: 'fill' | 'stroke' | undefined;
    let rgb: Rgb | undefined;
    switch (op.op) {
      case 'q':
        stack.push([fill, stroke]);
        break;
      case 'Q':
        [fill, stroke] = stack.pop() ?? ['gray', 'gray'];
        break;
      case 'rg':
      case 'RG': {
        const v = nums(op);
        side = op.op === 'rg' ? 'fill' : 'stroke';
        if (v?.length === 3) rgb = v as Rgb;
        if (side === 'fill') fill = 'rgb';
        else stroke = 'rgb';
        break;
      }
      case 'g':
      case 'G': {
        const v = nums(op);
        side = op.op === 'g' ? 'fill' : 'stroke';
        if (v?.length === 1) rgb = [v[0], v[0], v[0]];
        if (side === 'fill') fill = 'gray';
        else stroke = 'gray';
        break;
      }
      case 'k':
        fill = 'cmyk';
        break;
      case 'K':
        stroke = 'cmyk';
        break;
      case 'cs':
      case 'CS': {
        const n = name(op.operands[0]);
        const kind = n ? spaceKindOfName(n, scope) : 'other';
        side = op.op === 'cs' ? 'fill' : 'stroke';
        if (side === 'fill') fill = kind;
        else stroke = kind;
        // selecting a space sets its initial colour: black
        if (kind === 'rgb' || kind === 'gray') rgb = [0, 0, 0];
        break;
      }
      case 'sc':
      case 'scn':
      case 'SC':
      case 'SCN': {
        side = op.op.startsWith('s') ? 'fill' : 'stroke';
        const kind = side === 'fill' ? fill : stroke;
        const v = nums(op);
        if (kind === 'rgb' && v?.length === 3) rgb = v as Rgb;
        else if (kind === 'gray' && v?.length === 1) rgb = [v[0], v[0], v[0]];
        break;
      }
    }
    if (side && rgb) {
      found.set(k, { side, rgb });
      seen(rgb);
    }
  }
  return found;
}

/** The stream with its RGB and grey colours in CMYK and overprint set for K-only black. */
export function rewriteStream(stream: ParsedStream, scope: StreamScope, mapper: ColourMapper): { bytes: Uint8Array; overprint: boolean } {
  const colours = walk(stream, scope, () => {});
  const parts: Buffer[] = [];
  const src = Buffer.from(stream.bytes.buffer, stream.bytes.byteOffset, stream.bytes.byteLength);
  // overprint actually in force, and what the current colours want
  let opFill = false;
  let opStroke = false;
  let wantFill = false;
  let wantStroke = false;
  let usedOverprint = false;
  const stack: Array<[boolean, boolean, boolean, boolean]> = [];
  const text = (s: string) => parts.push(Buffer.from(s + '\n', 'latin1'));
  const NL = Buffer.from('\n');
  const sync = () => {
    if (opFill === wantFill && opStroke === wantStroke) return;
    text(`/${overprintStateName(wantStroke, wantFill)} gs`);
    opFill = wantFill;
    opStroke = wantStroke;
    usedOverprint = true;
  };
  const isK100 = (c: Cmyk) => c[0] === 0 && c[1] === 0 && c[2] === 0 && c[3] === 1;
  // Unchanged operations are copied as runs of the original bytes, up to the next change.
  let copied = 0;
  const copyTo = (end: number) => {
    if (end > copied) parts.push(src.subarray(copied, end), NL);
    copied = end;
  };
  stream.ops.forEach((op, k) => {
    const colour = colours.get(k);
    if (colour) {
      copyTo(op.start);
      copied = op.end;
      const cmyk = mapper.get(colour.rgb);
      if (colour.side === 'fill') wantFill = isK100(cmyk);
      else wantStroke = isK100(cmyk);
      sync();
      text(`${cmyk.map(fmt).join(' ')} ${colour.side === 'fill' ? 'k' : 'K'}`);
      return;
    }
    if (op.op === 'q') stack.push([opFill, opStroke, wantFill, wantStroke]);
    if (op.op === 'Q') [opFill, opStroke, wantFill, wantStroke] = stack.pop() ?? [false, false, false, false];
    if (op.op === 'gs') {
      const flags = scope.extGState(name(op.operands[0]) ?? '');
      if (flags?.OP !== undefined || flags?.op !== undefined) {
        copyTo(op.end);
        if (flags.OP !== undefined) opStroke = flags.OP;
        opFill = flags.op ?? flags.OP!;
        sync();
      }
    }
  });
  copyTo(src.length);
  return { bytes: Buffer.concat(parts), overprint: usedOverprint };
}
