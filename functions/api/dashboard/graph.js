// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// A job's tube drawn as its dataflow: nodes in columns by depth (a node sits one column
// right of the deepest node it takes signals from), edges from each source to its
// consumers, and on every node its calls by state and their mean run time.

const NODE_W = 156;
const NODE_H = 66;
const GAP_X = 40;
const GAP_Y = 14;
const PAD = 8;

/** Each node's column: 0 for sources, else one past its deepest dependency. */
function columnsOf(nodes) {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const column = new Map();
  // Bounded: a tube is acyclic, so depths settle within as many rounds as there are nodes.
  for (let round = 0; round <= nodes.length; round++) {
    let changed = false;
    for (const node of nodes) {
      const deps = node.depends.filter((id) => byId.has(id) && id !== node.id);
      const depth = deps.length ? 1 + Math.max(...deps.map((id) => column.get(id) ?? 0)) : 0;
      if (column.get(node.id) !== depth) {
        column.set(node.id, Math.min(depth, nodes.length));
        changed = true;
      }
    }
    if (!changed) break;
  }
  return column;
}

/** What a node is doing, for its colour: failed, running, queued, done, or idle. */
function nodeState(node) {
  const t = node.tasks;
  if (t.failed) return 'failed';
  if (t.running) return 'running';
  if (t.queued) return 'queued';
  if (t.done) return 'done';
  return 'idle';
}

function countsText(node) {
  if (node.stateful) return 'runs in the coordinator';
  const t = node.tasks;
  const parts = [`${t.done} done`];
  if (t.running) parts.push(`${t.running} running`);
  if (t.queued) parts.push(`${t.queued} queued`);
  if (t.failed) parts.push(`${t.failed} failed`);
  if (t.cancelled) parts.push(`${t.cancelled} cancelled`);
  return parts.join(' · ');
}

function clip(text, chars) {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

/** The SVG of a job's graph ({nodes} of GET /v1/jobs/:id/nodes). */
function renderGraph({ nodes }) {
  const column = columnsOf(nodes);
  const rows = new Map();
  const place = new Map();
  for (const node of nodes) {
    const c = column.get(node.id) ?? 0;
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    place.set(node.id, { x: PAD + c * (NODE_W + GAP_X), y: PAD + r * (NODE_H + GAP_Y) });
  }
  const columns = Math.max(1, ...[...column.values()].map((c) => c + 1));
  const height = Math.max(1, ...rows.values());
  const width = PAD * 2 + columns * NODE_W + (columns - 1) * GAP_X;
  const tall = PAD * 2 + height * NODE_H + (height - 1) * GAP_Y;
  const root = svg('svg', {
    class: 'graph',
    viewBox: `0 0 ${width} ${tall}`,
    width,
    height: tall,
    role: 'img',
    'aria-label': `the tube's ${nodes.length} nodes and how their calls are doing`,
  });
  const defs = svg('defs');
  const marker = svg('marker', {
    id: 'arrow',
    viewBox: '0 0 8 8',
    refX: 8,
    refY: 4,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto',
  });
  marker.append(svg('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arrow' }));
  defs.append(marker);
  root.append(defs);
  for (const node of nodes) {
    const to = place.get(node.id);
    for (const id of node.depends) {
      const from = place.get(id);
      if (!from) continue;
      const x1 = from.x + NODE_W;
      const y1 = from.y + NODE_H / 2;
      const x2 = to.x;
      const y2 = to.y + NODE_H / 2;
      const bend = Math.max(24, (x2 - x1) / 2);
      root.append(
        svg('path', {
          class: 'edge',
          d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
          'marker-end': 'url(#arrow)',
          'data-from': id,
          'data-to': node.id,
        }),
      );
    }
  }
  for (const node of nodes) {
    const { x, y } = place.get(node.id);
    const state = nodeState(node);
    const g = svg('g', {
      class: `node node-${state}${node.stateful ? ' stateful' : ''}`,
      transform: `translate(${x},${y})`,
      'data-node': node.id,
      'data-state': state,
    });
    const mean = node.meanRunMs === null ? '' : `mean ${duration(node.meanRunMs)}`;
    g.append(
      svg('title', {}, `${node.id} (${node.type ?? 'unknown type'}): ${countsText(node)}. ${mean}`),
      svg('rect', { width: NODE_W, height: NODE_H, rx: 6 }),
      svg('text', { x: 10, y: 18, class: 'node-id' }, clip(node.id, 19)),
      svg('text', { x: 10, y: 34, class: 'node-type' }, clip(node.type ?? '', 24)),
      svg('text', { x: 10, y: 50, class: 'node-counts' }, clip(countsText(node), 26)),
      svg('text', { x: 10, y: 62, class: 'node-mean' }, mean),
    );
    root.append(g);
  }
  return root;
}
