// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// A job run on the peer network: how its node calls were verified, from the verdict its
// coordinator kept. The mode (trusted: one executor; quorum: q equal results of k), how
// many calls were accepted and how many signed evidence records name a peer that answered
// otherwise; then each accepted call: its node and epoch, the task and result CIDs, and
// the peers whose answers made it. Jobs for the workers have no verdict: the box hides.

/** Accepted calls listed on the page at most (the verdict itself keeps up to 1,000). */
const MAX_VERDICT_ROWS = 200;

/** CIDs and peer ids are long: the start and end, the whole in a tooltip. */
function shortId(text) {
  const span = el('code', text.length > 20 ? `${text.slice(0, 8)}…${text.slice(-6)}` : text);
  span.title = text;
  return span;
}

/** The verification in words: `quorum 3/2: accepted at 2 equal results of 3 executors`. */
function verificationText({ mode, k, q }) {
  return mode === 'quorum'
    ? `quorum ${k}/${q}: accepted at ${q} equal result${q === 1 ? '' : 's'} of ${k} executors`
    : 'trusted: the first answer of one executor';
}

function renderVerdict(verdict) {
  $('detail-verdict-box').hidden = !verdict;
  if (!verdict) {
    $('detail-verdict-body').replaceChildren();
    return;
  }
  const { calls, evidence, accepted } = verdict;
  $('detail-verdict-mode').textContent = verificationText(verdict.verification);
  $('detail-verdict-summary').textContent =
    `${calls} node call${calls === 1 ? '' : 's'} accepted · ${evidence} evidence record${evidence === 1 ? '' : 's'} against executors that answered otherwise`;
  $('detail-verdict-evidence').hidden = evidence === 0;
  const labels = ['node', 'epoch', 'task', 'accepted result', 'executors'];
  const rows = accepted.slice(0, MAX_VERDICT_ROWS).map((call) => {
    const executors = el('span');
    call.executors.forEach((peer, i) => {
      if (i > 0) executors.append(', ');
      executors.append(shortId(peer));
    });
    return row(
      [call.node || '–', call.epoch, shortId(call.task), shortId(call.result), executors],
      '',
      labels,
    );
  });
  $('detail-verdict-body').replaceChildren(
    ...(rows.length ? rows : [emptyRow('No call accepted.')]),
  );
  // Those past the page's rows, and those past the verdict's list (`calls` counts all).
  const hidden = calls - rows.length;
  $('detail-verdict-more').hidden = hidden <= 0;
  $('detail-verdict-more').textContent = `and ${hidden} more`;
}
