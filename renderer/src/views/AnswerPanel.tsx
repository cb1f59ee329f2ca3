// Answer: the expected number against the generated one, digit by digit (right / wrong), with each
// generated token's log-probability and its top alternatives.
import { useRun } from '../cache/useRun';
import { answerCells } from '../cache/derive';
import type { RunToken } from '../../../app/protocol';
import './answer.css';

export function AnswerPanel() {
  const { meta, data } = useRun('current');
  const expected = data?.prompt?.phonebook?.expected;
  const tokens = data?.tokens ?? [];
  const text = data?.summary?.generatedText ?? tokens.map((t) => t.text).join('');
  return (
    <section aria-label="Answer" data-testid="answer">
      <div className="panel-head"><h2>Answer</h2></div>
      {!meta && <div className="empty small">The model's answer appears here, digit by digit.</div>}
      {meta && expected !== undefined && <DigitRow expected={expected} text={text} tokens={tokens} done={meta.status !== 'running'} />}
      {meta && expected === undefined && <pre className="mono free-answer">{text || '…'}</pre>}
      {tokens.length > 0 && <TokenTable tokens={tokens} />}
    </section>
  );
}

function DigitRow({ expected, text, tokens, done }: { expected: string; text: string; tokens: RunToken[]; done: boolean }) {
  const { cells, digitAccuracy, exact } = answerCells(expected, text, tokens.map((t) => t.text));
  return (
    <div>
      <div className="digits" data-testid="answer-digits">
        <span className="row-label small muted">expected</span>
        {cells.map((c, i) => <span key={i} className="cell expected mono">{c.expected}</span>)}
        <span className="row-label small muted">model</span>
        {cells.map((c, i) => {
          const t = c.token === null ? undefined : tokens[c.token]; // the token that wrote this digit
          return (
            <span
              key={i} className={`cell mono ${c.got ? (c.right ? 'right' : 'wrong') : 'empty-cell'}`}
              data-testid="answer-digit" data-right={c.right}
              title={t ? `${JSON.stringify(t.text)} log p = ${t.logprob.toFixed(3)}` : undefined}
            >{c.got || '·'}</span>
          );
        })}
      </div>
      {done && (
        <div className="verdict" data-testid="answer-verdict" data-exact={exact}>
          <b className={exact ? 'ok' : 'bad'}>{exact ? 'Exact match' : 'Wrong'}</b>
          <span className="muted">{Math.round(digitAccuracy * 100)} % of digits right</span>
        </div>
      )}
    </div>
  );
}

function TokenTable({ tokens }: { tokens: RunToken[] }) {
  return (
    <table className="alts small" data-testid="answer-alternatives">
      <thead><tr><th>#</th><th>token</th><th>log p</th><th>alternatives</th></tr></thead>
      <tbody>
        {tokens.map((t) => (
          <tr key={t.step}>
            <td className="muted">{t.step + 1}</td>
            <td className="mono">{show(t.text)}</td>
            <td className="mono num">{t.logprob.toFixed(2)}</td>
            <td className="mono">
              {t.top.filter((a) => a.id !== t.id).slice(0, 3).map((a) => (
                <span key={a.id} className="alt" title={`log p = ${a.logprob.toFixed(3)}`}>{show(a.text)} <i>{Math.exp(a.logprob) < 0.01 ? '<1' : Math.round(Math.exp(a.logprob) * 100)}%</i></span>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function show(text: string): string {
  return text === '\n' ? '↵' : text === ' ' ? '␣' : text;
}
