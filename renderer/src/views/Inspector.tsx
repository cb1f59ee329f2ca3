// The inspector: one tab per deep view (attention, SSM, recall curves, ablations, compare, cost).
import { appStore, useApp } from '../store/appStore';
import type { InspectorTab } from '../store/uiSlice';
import { AttentionView } from './AttentionView';
import { SsmView } from './SsmView';
import { RecallView } from './RecallView';
import { AblationsView } from './AblationsView';
import { CompareView } from './CompareView';
import { CostView } from './CostView';

const TABS: [InspectorTab, string][] = [
  ['attention', 'Attention'], ['ssm', 'SSM'], ['recall', 'Recall curves'], ['ablations', 'Ablations'], ['compare', 'Compare'], ['cost', 'Cost'],
];

export function Inspector() {
  const tab = useApp((s) => s.tab);
  return (
    <section className="panel" aria-label="Inspector" data-figures="main" style={{ minHeight: 320 }}>
      <div className="tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button key={id} role="tab" aria-selected={tab === id} data-testid={`tab-${id}`} onClick={() => appStore.getState().setTab(id)}>{label}</button>
        ))}
      </div>
      {tab === 'attention' && <AttentionView />}
      {tab === 'ssm' && <SsmView />}
      {tab === 'recall' && <RecallView />}
      {tab === 'ablations' && <AblationsView />}
      {tab === 'compare' && <CompareView />}
      {tab === 'cost' && <CostView />}
    </section>
  );
}
