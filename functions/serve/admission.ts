/**
 * Which waiting tube runs a coordinator starts when it has free slots: fair across
 * tenants, then by priority. A tenant's turn goes to the tenant with the fewest runs in
 * coordinators' hands (max-min fairness: a tenant with 1,000 queued runs gets no more
 * slots than one with 2 while both wait); between tenants holding as many, the more
 * urgent head run goes first, then the tenant served longest ago (round-robin). Within a
 * tenant, its most urgent run goes first, then its oldest.
 */

/** A run waiting for a slot. */
export interface AdmissionCandidate {
  id: string;
  tenant: string;
  /** Stored priority level: 0 (CRITICAL) comes first. */
  priority: number;
}

/** What admission remembers between rounds: when each tenant last got a slot. */
export class FairAdmission {
  readonly #lastServed = new Map<string, number>();
  #turn = 0;

  /**
   * Up to `free` of `candidates` to start, in the order to start them. `held` says how
   * many runs each tenant has in coordinators' hands now (it is not changed).
   */
  pick<T extends AdmissionCandidate>(
    candidates: readonly T[],
    free: number,
    held: ReadonlyMap<string, number>,
  ): T[] {
    const byTenant = new Map<string, T[]>();
    for (const candidate of candidates) {
      const queue = byTenant.get(candidate.tenant) ?? [];
      queue.push(candidate);
      byTenant.set(candidate.tenant, queue);
    }
    // Each tenant's own order: most urgent first; `candidates` come oldest first.
    for (const queue of byTenant.values()) queue.sort((a, b) => a.priority - b.priority);
    const counts = new Map(held);
    const picked: T[] = [];
    while (picked.length < free && byTenant.size > 0) {
      let best: string | undefined;
      for (const tenant of byTenant.keys()) {
        if (best === undefined || this.#before(tenant, best, counts, byTenant)) best = tenant;
      }
      const queue = byTenant.get(best!)!;
      picked.push(queue.shift()!);
      if (queue.length === 0) byTenant.delete(best!);
      counts.set(best!, (counts.get(best!) ?? 0) + 1);
      this.#lastServed.set(best!, ++this.#turn);
    }
    return picked;
  }

  /** Whether tenant `a` gets the next slot before tenant `b`. */
  #before<T extends AdmissionCandidate>(
    a: string,
    b: string,
    counts: ReadonlyMap<string, number>,
    byTenant: ReadonlyMap<string, T[]>,
  ): boolean {
    const heldA = counts.get(a) ?? 0;
    const heldB = counts.get(b) ?? 0;
    if (heldA !== heldB) return heldA < heldB;
    const urgencyA = byTenant.get(a)![0]!.priority;
    const urgencyB = byTenant.get(b)![0]!.priority;
    if (urgencyA !== urgencyB) return urgencyA < urgencyB;
    return (this.#lastServed.get(a) ?? 0) < (this.#lastServed.get(b) ?? 0);
  }
}
