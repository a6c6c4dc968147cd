// A handler that does nothing: bench lambda's cold start of the runtime alone (a Node
// process, the runtime client, the Runtime API's round trips), without noob.
export const handler = async () => ({ ok: true });
