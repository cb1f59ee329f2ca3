// The inspector: one tab per deep view (attention, SSM, expert routing where the model has
// mixture-of-experts blocks, recall curves, compare, cost).
import { appStore, useApp } from '../store/appStore';
import type { InspectorTab } from '../store/uiSlice';
import { AttentionView } from './AttentionView';
import { SsmView } from './SsmView';
import { ExpertsView } from './ExpertsView';
import { RecallView } from './RecallView';
import { CompareView } from './CompareView';
import { CostView } from './CostView';

const TABS: [InspectorTab, string][] = [
  ['attention', 'Attention'], ['ssm', 'SSM'], ['recall', 'Recall curves'], ['compare', 'Compare'], ['cost', 'Cost'],
];

export function Inspector() {
  const tab = useApp((s) => s.tab);
  const hasExperts = useApp((s) => !!s.model?.layers.some((l) => l.kind === 'moe'));
  const tabs = hasExperts ? [...TABS.slice(0, 2), ['experts', 'Experts'] as [InspectorTab, string], ...TABS.slice(2)] : TABS;
  return (
    <section className="panel" aria-label="Inspector" data-figures="main" style={{ minHeight: 320 }}>
      <div className="tabs" role="tablist">
        {tabs.map(([id, label]) => (
          <button key={id} role="tab" aria-selected={tab === id} data-testid={`tab-${id}`} onClick={() => appStore.getState().setTab(id)}>{label}</button>
        ))}
      </div>
      {tab === 'attention' && <AttentionView />}
      {tab === 'ssm' && <SsmView />}
      {tab === 'experts' && <ExpertsView />}
      {tab === 'recall' && <RecallView />}
      {tab === 'compare' && <CompareView />}
      {tab === 'cost' && <CostView />}
    </section>
  );
}
