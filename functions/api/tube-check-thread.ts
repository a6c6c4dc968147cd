/**
 * The thread of a {@link TubeCheckPool}: it checks submitted tubes (parse, load, validate)
 * with a {@link TubeCheckCache} of its own, one at a time, so that the time a tube takes to
 * check is spent here and never on the job API's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TubeProblem } from '../../core/tube/errors.ts';
import { TubeCheckCache } from './tube-check-cache.ts';
import {
  summarize,
  type TubeCheckAnswer,
  type TubeCheckReady,
  type TubeCheckRequest,
  type TubeCheckSetup,
} from './tube-check-protocol.ts';

const port = parentPort;
if (!port) throw new Error('tube-check-thread.ts runs as a worker thread only');
const cache = new TubeCheckCache((workerData as TubeCheckSetup).options);

port.on('message', async ({ id, tube, inputs, tubePath }: TubeCheckRequest) => {
  let answer: TubeCheckAnswer;
  if (tubePath === undefined) delete process.env.NOOB_TUBE_PATH;
  else process.env.NOOB_TUBE_PATH = tubePath;
  try {
    const checked = await cache.check(tube, inputs);
    const summary = summarize(checked);
    // Said so, the API may answer the same check again itself (see TubeCheckAnswers).
    if (cache.reusable(checked)) summary.reusable = true;
    answer = { id, ok: true, checked: summary };
  } catch (error) {
    // Errors lose their class between threads: send what the API matches and reports.
    const { name, message, shortMessage, file, problems } = error as Error & {
      shortMessage?: string;
      file?: string;
      problems?: TubeProblem[];
    };
    answer = {
      id,
      ok: false,
      error: {
        name: String(name),
        message: String(message),
        shortMessage: shortMessage ?? String(message),
        ...(typeof file === 'string' ? { file } : {}),
        ...(Array.isArray(problems) ? { problems } : {}),
      },
    };
  }
  port.postMessage(answer);
});
port.postMessage({ ready: true } satisfies TubeCheckReady);
