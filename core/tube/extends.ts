/**
 * `extends`: a tube built on others. The listed tubes are merged left to right, then the
 * tube itself on top, as upstream noob does it:
 * - mappings merge key by key, recursively; anything else on the right replaces the left;
 * - a node's `depends` is replaced whole, never merged;
 * - return nodes merge into one, under the right-hand tube's return node id.
 */

type Spec = Record<string, any>;

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Merges `right` onto `left` (neither is modified). */
export function mergeTubeSpecs(left: Spec, right: Spec): Spec {
  let l: Spec = structuredClone(left);
  let r: Spec = structuredClone(right);
  [l, r] = mergeReturnNodes(l, r);
  if (isMapping(l.nodes) && isMapping(r.nodes)) {
    const ids = [...new Set([...Object.keys(l.nodes), ...Object.keys(r.nodes)])];
    r.nodes = Object.fromEntries(
      ids.map((id) => [id, mergeMappings(l.nodes[id] ?? {}, r.nodes[id] ?? {}, ['depends'])]),
    );
    const { nodes: _replaced, ...rest } = l;
    l = rest;
  }
  return mergeMappings(l, r);
}

function returnNodeIds(spec: Spec): string[] {
  if (!isMapping(spec.nodes)) return [];
  return Object.entries(spec.nodes)
    .filter(([, node]) => isMapping(node) && node.type === 'return')
    .map(([id]) => id);
}

function mergeReturnNodes(left: Spec, right: Spec): [Spec, Spec] {
  const leftIds = returnNodeIds(left);
  const rightIds = returnNodeIds(right);
  if (leftIds.length !== 1 || rightIds.length !== 1 || leftIds[0] === rightIds[0]) {
    return [left, right];
  }
  const [leftId] = leftIds as [string];
  const [rightId] = rightIds as [string];
  right.nodes[rightId] = mergeMappings(left.nodes[leftId], right.nodes[rightId], ['depends']);
  const { [leftId]: _merged, ...leftNodes } = left.nodes;
  return [{ ...left, nodes: leftNodes }, right];
}

/** Recursive merge of mappings only; keys in `replaceWhole` take the right value as is. */
function mergeMappings(left: Spec, right: Spec, replaceWhole: readonly string[] = []): Spec {
  const merged: Spec = {};
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    const inLeft = key in left;
    const inRight = key in right;
    if (
      inLeft &&
      inRight &&
      !replaceWhole.includes(key) &&
      isMapping(left[key]) &&
      isMapping(right[key])
    ) {
      merged[key] = mergeMappings(left[key], right[key]);
    } else {
      merged[key] = inRight ? right[key] : left[key];
    }
  }
  return merged;
}
