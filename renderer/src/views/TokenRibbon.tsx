// Token ribbon view: the segmented prompt, a legend, and the text around the focused position.
import { appStore, useApp } from '../store/appStore';
import { useRun } from '../cache/useRun';
import { useWidth } from '../ui/useWidth';
import { ChartFrame } from '../charts/ChartFrame';
import { TokenRibbonChart, ribbonColors } from '../charts/TokenRibbonChart';

export function TokenRibbon() {
  const { data, meta } = useRun('current');
  const focus = useApp((s) => s.focusPos);
  const [ref, width] = useWidth<HTMLDivElement>();
  const prompt = data?.prompt;
  const T = prompt?.ids.length ?? 0;
  const at = focus ?? (T ? T - 1 : 0);
  const lo = Math.max(0, at - 14);
  const hi = Math.min(T, at + 6);
  if (!prompt) {
    return (
      <section className="panel" aria-label="Token ribbon" data-testid="token-ribbon">
        <div className="panel-head"><h2>Prompt</h2></div>
        <div className="empty small">{meta?.status === 'running' ? <><span className="spinner" /> Tokenizing…</> : 'The prompt appears here once a run starts: entries, target and few-shot look-ups marked.'}</div>
      </section>
    );
  }
  return (
    <section className="panel" aria-label="Token ribbon" data-testid="token-ribbon">
      <ChartFrame
        title="Prompt" testId="ribbon-chart" heading="panel"
        subtitle={`${T} tokens${prompt.phonebook ? ` · ${prompt.phonebook.entries.length} entries · target entry ${prompt.phonebook.target + 1}` : ''} · click to focus`}
        data={() => ({
          columns: ['position', 'token', 'entry', 'role'],
          rows: Array.from(prompt.ids, (_, t) => {
            const e = prompt.phonebook?.entries.findIndex((en) => t >= en.tokens[0] && t < en.tokens[1]) ?? -1;
            const role = e < 0 ? '' : e === prompt.phonebook?.target ? 'target' : prompt.phonebook?.examples.includes(e) ? 'example' : 'entry';
            return [t, prompt.tokens[t] ?? '', e < 0 ? null : e, role];
          }),
          meta: { run: meta?.id, layout: meta?.layout },
        })}
        tools={prompt.phonebook && <span className="legend small">
          <span><i style={{ background: ribbonColors.target }} />target</span>
          <span><i style={{ background: ribbonColors.example }} />few-shot</span>
          <span><i style={{ background: '#0072B2', opacity: 0.55 }} />captured rows</span>
        </span>}
      >
        <div ref={ref}>
          <TokenRibbonChart prompt={prompt} width={width} focus={at} onFocus={(p) => appStore.getState().focusPosition(p)} />
        </div>
        <div className="mono small context" data-testid="ribbon-context">
            {lo > 0 && <span className="muted">… </span>}
            {Array.from({ length: hi - lo }, (_, i) => lo + i).map((t) => (
              <span key={t} className={t === at ? 'tok focus' : 'tok'} onClick={() => appStore.getState().focusPosition(t)}>
                {prompt.tokens[t] === '\n' ? '↵' : prompt.tokens[t]}
              </span>
            ))}
            <span className="muted small" style={{ marginLeft: 8 }}>focus: token {at}</span>
        </div>
      </ChartFrame>
    </section>
  );
}
