// The inspector: one tab per deep view (attention, SSM, expert routing where the
// model has mixture-of-experts blocks, recall curves, ablations, compare, cost).
// A click on a tab marks it at once; the view behind it renders as a deferred (interruptible) update,
// so building a 4k-token view's charts yields to input and streaming records between components
// instead of holding the main thread in one task.
import { useDeferredValue, useMemo } from 'react';
import { appStore, useApp } from '../store/appStore';
import type { InspectorTab } from '../store/uiSlice';
import { AttentionView } from './AttentionView';
import { SsmView } from './SsmView';
import { ExpertsView } from './ExpertsView';
import { RecallView } from './RecallView';
import { AblationsView } from './AblationsView';
import { CompareView } from './CompareView';
import { CostView } from './CostView';

const TABS: [InspectorTab, string][] = [
  ['attention', 'Attention'], ['ssm', 'SSM'], ['recall', 'Recall curves'], ['ablations', 'Ablations'], ['compare', 'Compare'], ['cost', 'Cost'],
];

export function Inspector() {
  const tab = useApp((s) => s.tab);
  const hasExperts = useApp((s) => !!s.model?.layers.some((l) => l.kind === 'moe'));
  const tabs = hasExperts ? [...TABS.slice(0, 2), ['experts', 'Experts'] as [InspectorTab, string], ...TABS.slice(2)] : TABS;
  const shown = useDeferredValue(tab);
  // the same element while `shown` stands: the urgent render after a click leaves the old view alone
  const view = useMemo(() => <TabView tab={shown} />, [shown]);
  return (
    <section className="panel" aria-label="Inspector" data-figures="main" style={{ minHeight: 320 }}>
      <div className="tabs" role="tablist">
        {tabs.map(([id, label]) => (
          <button key={id} role="tab" aria-selected={tab === id} data-testid={`tab-${id}`} onClick={() => appStore.getState().setTab(id)}>{label}</button>
        ))}
      </div>
      <div style={{ opacity: shown === tab ? 1 : 0.6 }} data-testid="inspector-view">{view}</div>
    </section>
  );
}

function TabView({ tab }: { tab: InspectorTab }) {
  if (tab === 'attention') return <AttentionView />;
  if (tab === 'ssm') return <SsmView />;
  if (tab === 'experts') return <ExpertsView />;
  if (tab === 'recall') return <RecallView />;
  if (tab === 'ablations') return <AblationsView />;
  if (tab === 'compare') return <CompareView />;
  return <CostView />;
}
