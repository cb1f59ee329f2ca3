// "What am I looking at": one paragraph for a newcomer under the top bar, until dismissed (the
// dismissal is kept in localStorage).
import { useState } from 'react';

const DISMISSED_KEY = 'hybridscope-intro-dismissed';

function dismissedBefore(): boolean {
  try {
    return localStorage.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false; // storage refused (a private window): show it
  }
}

export function Intro() {
  const [shown, setShown] = useState(() => !dismissedBefore());
  if (!shown) return null;
  const dismiss = () => {
    try {
      localStorage.setItem(DISMISSED_KEY, '1');
    } catch {
      // not kept across starts, but hidden for now
    }
    setShown(false);
  };
  return (
    <div className="banner intro" role="note" aria-label="What am I looking at" data-testid="intro">
      <p>
        <b>What am I looking at?</b> A small hybrid language model — Mamba-2 state-space layers (M), MLPs (-)
        and one attention layer (*) — reads a phonebook, a list of names with their numbers, and is asked
        for one name’s number. The coloured blocks are its layers in order; each lights up as its records
        stream in. The answer panel compares the digits it wrote with the right ones; the Attention and SSM
        tabs show where each layer looked and what its state kept — the attention layer finds the entry,
        the Mamba state’s memory of it fades. Drop the attention block and run again to watch recall
        fall, as in the NVIDIA study of Mamba-based language models (arXiv 2406.07887).
      </p>
      <button className="btn small" onClick={dismiss} data-testid="intro-dismiss">Got it</button>
    </div>
  );
}
