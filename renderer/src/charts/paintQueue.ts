// Canvas paints, one per task. A record landing (or a view opening) re-renders several charts at
// once; each dense chart's paint — colour-mapping its cells, building the zoomable map's mip levels —
// runs as its own task after the render instead of inside it, so no single main-thread task carries
// them all and input and the next record get a turn between paints.

type Job = () => void;

const queue: Job[] = [];
let posted = false;
const channel = typeof MessageChannel === 'undefined' ? null : new MessageChannel();

function runOne(): void {
  posted = false;
  const job = queue.shift();
  if (queue.length) post();
  job?.();
}

function post(): void {
  if (posted) return;
  posted = true;
  // a message, not setTimeout: no 4 ms clamp, and it runs before the next frame when the page is idle
  if (channel) channel.port2.postMessage(null);
  else setTimeout(runOne, 0);
}

if (channel) channel.port1.onmessage = runOne;

/** Runs `job` in a later task of its own; the returned function drops it if it has not run yet
 *  (an effect's cleanup: the chart changed or left before its paint). */
export function queuePaint(job: Job): () => void {
  queue.push(job);
  post();
  return () => {
    const i = queue.indexOf(job);
    if (i >= 0) queue.splice(i, 1);
  };
}
