import { describe, expect, it } from 'vitest';
import { loadTubeFromText } from '../../tube/load.ts';
import { createPlan } from '../plan.ts';
import { isPinned, placeNodes } from './placement.ts';

const text = `noob_id: placement
nodes:
  a:
    type: noob.testing.count_source
  b:
    type: noob.testing.count_source
  double:
    type: noob.testing.multiply
    depends:
      - left: a.index
  remember:
    type: noob.testing.multiply
    stateful: true
    depends:
      - left: b.index
  r:
    type: return
    depends:
      - x: double.value
      - y: remember.value
`;

describe('placeNodes', () => {
  it('default: stateful nodes go round-robin over threads; stateless and local nodes get none', async () => {
    const plan = createPlan(await loadTubeFromText(text));
    const onThreads = (node: { kind: string }) => node.kind !== 'return';
    const slots = placeNodes(plan, 2, onThreads);
    const slotOf = (id: string) => slots[plan.indexOf.get(id)!];
    expect([slotOf('a'), slotOf('b'), slotOf('remember')]).toEqual([0, 1, 0]);
    expect(slotOf('double')).toBe(-1);
    expect(slotOf('r')).toBe(-1);
    expect(plan.nodes.filter(isPinned).map((n) => n.id)).toEqual(['a', 'b', 'remember', 'r']);
  });
});
