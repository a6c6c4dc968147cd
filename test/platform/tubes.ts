/**
 * Tubes the platform's tests submit as text.
 */

/**
 * Each epoch waits `seconds` in a worker (`noob.testing.just_wait`), then returns the
 * epoch's index: a job that is still running when a test strikes. run(n) gives [0 … n-1].
 */
export const waitingTube = (seconds: number) => `
noob_id: waiting
nodes:
  count:
    type: noob.testing.count_source
  wait:
    type: noob.testing.just_wait
    params: { wait_for: ${seconds} }
    depends:
      - value: count.index
  out:
    type: return
    depends: wait.value
`;
