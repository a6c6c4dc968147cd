import { describe, expect, it } from 'vitest';
import { type AdmissionCandidate, FairAdmission } from './admission.ts';

/** `count` runs of `tenant` at `priority` (2 = NORMAL), oldest first. */
function runs(tenant: string, count: number, priority = 2): AdmissionCandidate[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${tenant}-${i}`, tenant, priority }));
}

describe('FairAdmission', () => {
  it('default: tenants take turns, whoever queued first and most', () => {
    const admission = new FairAdmission();
    // The flood was submitted first; oldest-first admission would give it every slot.
    const candidates = [...runs('flood', 100), ...runs('b', 3), ...runs('c', 1)];
    const picked = admission.pick(candidates, 4, new Map());
    expect(picked.map((run) => run.id)).toEqual(['flood-0', 'b-0', 'c-0', 'flood-1']);
  });

  it('behavior: a tenant already holding slots waits for the others', () => {
    const admission = new FairAdmission();
    const held = new Map([['flood', 4]]);
    const picked = admission.pick([...runs('flood', 10), ...runs('b', 10)], 3, held);
    expect(picked.map((run) => run.tenant)).toEqual(['b', 'b', 'b']);
    // The held counts are the caller's: not changed.
    expect(held.get('flood')).toBe(4);
  });

  it('behavior: priority orders runs within a tenant and breaks ties between tenants', () => {
    const admission = new FairAdmission();
    const candidates = [...runs('a', 2, 3), { id: 'a-urgent', tenant: 'a', priority: 0 }];
    candidates.push({ id: 'b-high', tenant: 'b', priority: 1 });
    const picked = admission.pick(candidates, 3, new Map());
    expect(picked.map((run) => run.id)).toEqual(['a-urgent', 'b-high', 'a-0']);
  });

  it('behavior: between equals, the tenant served longest ago goes first (round-robin across rounds)', () => {
    const admission = new FairAdmission();
    const candidates = [...runs('a', 5), ...runs('b', 5), ...runs('c', 5)];
    const first = admission.pick(candidates, 1, new Map());
    const second = admission.pick(candidates, 1, new Map());
    const third = admission.pick(candidates, 1, new Map());
    const fourth = admission.pick(candidates, 1, new Map());
    expect([first, second, third, fourth].map(([run]) => run!.tenant)).toEqual([
      'a',
      'b',
      'c',
      'a',
    ]);
  });

  it('behavior: no free slot or no candidate picks nothing', () => {
    const admission = new FairAdmission();
    expect(admission.pick(runs('a', 3), 0, new Map())).toEqual([]);
    expect(admission.pick([], 5, new Map())).toEqual([]);
  });
});
