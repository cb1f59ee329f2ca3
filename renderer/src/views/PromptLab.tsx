// Prompt lab: the phonebook generator's controls (or free text), Run / Cancel and the run's progress.
// While a trace is shown the controls show its prompt (actions/traces.ts set them) and stay still.
import { appStore, useApp } from '../store/appStore';
import { cancelRun, startRun } from '../actions/session';
import { RunProgress } from './RunProgress';

export function PromptLab() {
  const mode = useApp((s) => s.promptMode);
  const spec = useApp((s) => s.spec);
  const freeText = useApp((s) => s.freeText);
  const model = useApp((s) => s.model);
  // while a trace is shown Run stays pressable, so that it can say it needs the model (actions/session.ts)
  const trace = useApp((s) => s.trace);
  const running = useApp((s) => s.currentRunId !== null && s.runs[s.currentRunId]?.status === 'running');
  const trainMax = useApp((s) => (s.model?.ref.kind === 'bundled' ? s.catalog.find((c) => c.id === (s.model!.ref as { id: string }).id)?.trainMaxEntries : undefined));
  const beyond = mode === 'phonebook' && trainMax !== undefined && spec.entries > trainMax;
  const s = appStore.getState();
  const canRun = !!model?.loaded && model.hasTokenizer && (mode === 'phonebook' || freeText.trim().length > 0);
  return (
    <section aria-label="Prompt lab" style={{ display: 'flex', flexDirection: 'column', gap: 10 }}>
      <div className="panel-head" style={{ marginBottom: 0 }}>
        <h2>Prompt</h2>
        <span className="spacer" />
        <Seg value={mode} options={[['phonebook', 'Phonebook'], ['text', 'Free text']]} onChange={(m) => s.setPromptMode(m)} label="Prompt kind" disabled={!!trace} />
      </div>
      <fieldset className="plain" disabled={!!trace} data-testid="prompt-controls" title={trace ? `The prompt of the trace ${trace}` : undefined}>
      {mode === 'phonebook' ? (
        <div>
          <div className="field">
            <label htmlFor="pb-entries">Entries</label>
            <div style={{ display: 'flex', gap: 8 }}>
              <input id="pb-entries" data-testid="pb-entries" type="range" min={2} max={400} value={Math.min(spec.entries, 400)} list={trainMax !== undefined ? 'pb-trained' : undefined}
                className={beyond ? 'beyond' : undefined} onChange={(e) => s.updateSpec({ entries: +e.target.value })} />
              {trainMax !== undefined && <datalist id="pb-trained"><option value={trainMax} label={`trained to ${trainMax}`} /></datalist>}
              <input type="number" aria-label="Entries" min={1} max={2000} value={spec.entries} style={{ width: 64 }} className={beyond ? 'beyond' : undefined} onChange={(e) => s.updateSpec({ entries: +e.target.value })} />
            </div>
            {trainMax !== undefined && (
              <span className={`small ${beyond ? 'beyond-note' : 'muted'}`} data-testid="entries-training" data-beyond={beyond}>
                {beyond ? `Beyond the training length: trained on books of up to ${trainMax} entries.` : `Within the training length (${trainMax} entries).`}
              </span>
            )}
          </div>
          <div className="field">
            <label>Format</label>
            <Seg value={spec.format} options={[['bare', 'Bare'], ['question', 'Question']]} onChange={(format) => s.updateSpec({ format })} label="Format" />
          </div>
          <div className="field">
            <label>Variant</label>
            <Seg value={spec.variant} options={[['standard', 'Standard'], ['reversed', 'Reversed']]} onChange={(variant) => s.updateSpec({ variant })} label="Variant" />
          </div>
          <div className="field">
            <label htmlFor="pb-depth">Target depth</label>
            <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
              <input id="pb-depth" type="range" min={0} max={100} value={Math.round(spec.depth * 100)} onChange={(e) => s.updateSpec({ depth: +e.target.value / 100 })} />
              <span className="mono small" style={{ width: 36, textAlign: 'right' }}>{Math.round(spec.depth * 100)} %</span>
            </div>
          </div>
          <div className="field">
            <label htmlFor="pb-shots">Few-shot</label>
            <input id="pb-shots" type="number" min={0} max={8} value={spec.fewShot} onChange={(e) => s.updateSpec({ fewShot: +e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="pb-seed">Seed</label>
            <div style={{ display: 'flex', gap: 6 }}>
              <input id="pb-seed" data-testid="pb-seed" type="number" min={0} value={spec.seed} onChange={(e) => s.updateSpec({ seed: +e.target.value })} />
              <button className="btn" onClick={() => s.reseed()} title="Next seed">Next</button>
            </div>
          </div>
        </div>
      ) : (
        <textarea
          className="text-input mono" rows={8} value={freeText} placeholder="Type a prompt…" aria-label="Prompt text"
          onChange={(e) => s.setFreeText(e.target.value)} style={{ resize: 'vertical', width: '100%' }}
        />
      )}
      </fieldset>
      <div style={{ display: 'flex', gap: 8 }}>
        <button className="btn primary" data-testid="run" style={{ flex: 1 }} disabled={!trace && (!canRun || running)} onClick={() => startRun()}>
          Run<span className="kbd">Ctrl+↵</span>
        </button>
        <button className="btn" data-testid="cancel" disabled={!running} onClick={() => cancelRun()}>
          Cancel<span className="kbd">Esc</span>
        </button>
      </div>
      {trace && <span className="small muted" data-testid="trace-note">Showing the trace {trace}: running needs the model itself.</span>}
      {model && !trace && !model.hasTokenizer && <span className="small error-text">This checkpoint has no tokenizer.json, so prompts cannot be encoded.</span>}
      <RunProgress />
    </section>
  );
}

export function Seg<T extends string>({ value, options, onChange, label, disabled }: { value: T; options: [T, string][]; onChange(v: T): void; label: string; disabled?: boolean }) {
  return (
    <span className="seg" role="group" aria-label={label}>
      {options.map(([v, text]) => (
        <button key={v} aria-pressed={value === v} disabled={disabled} onClick={() => onChange(v)}>{text}</button>
      ))}
    </span>
  );
}
