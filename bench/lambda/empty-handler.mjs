// A handler that does nothing: bench lambda's cold start of the runtime alone (a Node
// process, the runtime client, the Runtime API's round trips), without noob. It says the
// CPU time its process has used, as the worker's first report does.
export const handler = async () => {
  const { user, system } = process.cpuUsage();
  return { ok: true, cpuMs: (user + system) / 1000 };
};
