// What a reader must know beside the bundled models' numbers, said once for every view that shows
// them (the model cards say the same, from training/card_notes.json).

/** How these models differ from the study's. */
export const TASK_CAVEAT =
  'The bundled models were trained on the phonebook task itself, from scratch, about 3.5 M parameters each: ' +
  'unlike the study\'s pretrained 8B language models probed in context, this is closer to Zoology\'s MQAR ' +
  'and to Jelassi et al.\'s copying experiments.';

/** What shaped the pure SSMs' wrong answers. */
export const NOISE_CAVEAT =
  'A second training phase fed the answers back with a quarter of their digits replaced at random (the ' +
  'targets stayed true); it shaped the SSMs\' fuzzy wrong answers, cutting the copies of another entry\'s number, ' +
  'and cost them 10–14 points of exact match at 32 entries.';

/** State size, ours beside the study's. */
export const STATE_CAVEAT = 'SSM state size 16 per head here; the study\'s models use 128.';

/** What "trained alike" leaves out. */
export const ALIKE_CAVEAT =
  '"Trained alike" means the same data stream, steps, batch, schedule and phases, each architecture with its own ' +
  'learning rate; it leaves out resumes from float16 checkpoints, initialisation, and the search over model shapes ' +
  'that preceded the shipped ones (training/RUNS.md).';

/** How the intervals are computed. */
export const INTERVAL_NOTE = 'Bars: Wilson 95 % intervals on exact match.';
