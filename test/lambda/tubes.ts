/**
 * A tube of one node call per epoch, for the serverless tests: `count` is a stateful
 * source (it stays with the coordinator), `add` a stateless call that sleeps `sleepFor`
 * seconds on a worker Lambda, and each epoch returns `index + 1`.
 */
export function countingTube(noobId: string, sleepFor: number): string {
  return `
noob_id: ${noobId}
nodes:
  count:
    type: noob.testing.count_source
  add:
    type: noob.testing.long_add
    params: { sleep_for: ${sleepFor} }
    depends:
      - value: count.index
  out:
    type: return
    depends: add.value
`;
}
