// The prompt as a strip of tokens segmented by phonebook entry: entries alternate in two greys,
// the target entry is vermillion, few-shot example entries orange; the focused token is marked.
import type { PromptInfo } from '../../../app/protocol';
import { positionScale } from './scales';
import { hideTip, showTip } from '../ui/Tooltip';
import { ink } from '../ui/palette';

export const ribbonColors = { target: '#D55E00', example: '#E69F00', entryA: ink.entryA, entryB: ink.entryB, other: ink.band };

interface Props { prompt: PromptInfo; width: number; focus: number | null; onFocus(pos: number): void }

const H = 58;
const M = { left: 52, right: 16 };

export function TokenRibbonChart({ prompt, width, focus, onFocus }: Props) {
  const T = prompt.ids.length;
  const x = positionScale(T, width, M);
  const pb = prompt.phonebook;
  const entryOf = new Int32Array(T).fill(-1);
  pb?.entries.forEach((e, i) => { for (let t = e.tokens[0]; t < e.tokens[1] && t < T; t++) entryOf[t] = i; });
  const pos = (clientX: number, el: SVGSVGElement) => Math.max(0, Math.min(T - 1, Math.floor(x.invert(clientX - el.getBoundingClientRect().left))));
  const label = (t: number) => {
    const e = entryOf[t];
    const tag = e < 0 ? '' : ` · entry ${e + 1}${e === pb?.target ? ' (target)' : pb?.examples.includes(e) ? ' (example)' : ''} ${pb?.entries[e].name}`;
    return `token ${t} ${JSON.stringify(prompt.tokens[t] ?? '')}${tag}`;
  };
  return (
    <svg
      data-figure width={width} height={H} style={{ display: 'block', cursor: 'crosshair' }}
      onMouseMove={(ev) => { const t = pos(ev.clientX, ev.currentTarget); showTip(ev.clientX, ev.clientY, label(t)); }}
      onMouseLeave={hideTip}
      onClick={(ev) => onFocus(pos(ev.clientX, ev.currentTarget))}
    >
      <text x={M.left - 8} y={20} textAnchor="end" fontSize={11} fill={ink.label}>entries</text>
      <text x={M.left - 8} y={42} textAnchor="end" fontSize={11} fill={ink.label}>tokens</text>
      <rect x={x(0)} y={8} width={x(T) - x(0)} height={16} fill={ribbonColors.other} stroke={ink.rule} />
      {pb?.entries.map((e, i) => (
        <rect
          key={i} x={x(e.tokens[0])} y={8} width={Math.max(0.5, x(e.tokens[1]) - x(e.tokens[0]))} height={16}
          fill={i === pb.target ? ribbonColors.target : pb.examples.includes(i) ? ribbonColors.example : i % 2 ? ribbonColors.entryA : ribbonColors.entryB}
          data-testid={i === pb.target ? 'ribbon-target' : undefined}
        />
      ))}
      <rect x={x(0)} y={32} width={x(T) - x(0)} height={14} fill={ink.band} stroke={ink.rule} />
      {prompt.focus.map((p) => <rect key={p} x={x(p)} y={32} width={Math.max(1, x(p + 1) - x(p))} height={14} fill="#0072B2" opacity={0.55} />)}
      {focus !== null && focus < T && (
        <g data-testid="ribbon-focus">
          <line x1={x(focus + 0.5)} x2={x(focus + 0.5)} y1={4} y2={50} stroke={ink.text} strokeWidth={1.5} />
          <path d={`M${x(focus + 0.5) - 4},2 L${x(focus + 0.5) + 4},2 L${x(focus + 0.5)},7 Z`} fill={ink.text} />
        </g>
      )}
      <text x={x(0)} y={57} fontSize={10} fill={ink.faint}>0</text>
      <text x={x(T)} y={57} fontSize={10} fill={ink.faint} textAnchor="end">{T} tokens</text>
    </svg>
  );
}
