/**
 * The libSQL server every function reaches (Turso, or a self-hosted `sqld`): its URL and
 * token are secrets (`sst secret set QueueUrl libsql://…`, `sst secret set QueueToken …`),
 * linked to the functions and the coordinator.
 */
export function queueLink() {
  const url = new sst.Secret('QueueUrl');
  const token = new sst.Secret('QueueToken', '');
  return {
    link: [url, token],
    environment: { NOOB_QUEUE_URL: url.value, NOOB_QUEUE_TOKEN: token.value },
  };
}

/** What {@link queueLink} gives the other concerns. */
export type QueueLink = ReturnType<typeof queueLink>;
