import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Environment, type FunctionConfig, type InvocationResult } from './environment.ts';
import { startFunctionUrl } from './function-url.ts';
import { type HttpFront, startInvokeFront } from './invoke-front.ts';

/**
 * A local twin of the Lambda service, for tests that use real parts: functions are the
 * project's real handler files, run by AWS's runtime client in their own processes (see
 * {@link Environment}); callers reach them through the Invoke API (`POST
 * /2015-03-31/functions/{name}/invocations`, what `@aws-sdk/client-lambda` sends, with
 * an endpoint override) or through a Function URL (streaming responses included).
 *
 * What it keeps of the service: environments reused while warm, a cold start past them,
 * reserved concurrency (a synchronous invoke beyond it is throttled with
 * `TooManyRequestsException`; an `Event` invoke is queued, as Lambda queues async events,
 * or throttled too with `eventsAtLimit: 'throttle'`), timeouts that kill the environment,
 * `X-Amz-Function-Error` on a function's failure. Tests can inject throttles or service
 * errors, kill a runtime process, and read every invocation's record.
 *
 * @example
 * ```ts
 * const twin = await LambdaTwin.start([{ name: 'worker', file: '/abs/functions/worker/lambda.ts' }]);
 * const client = new LambdaClient({ endpoint: twin.endpoint, region: 'us-east-1', credentials });
 * await client.send(new InvokeCommand({ FunctionName: 'worker', Payload: '{}' }));
 * await twin.stop();
 * ```
 */

/** A function of the twin. */
export interface TwinFunction extends FunctionConfig {
  /** Give it a Function URL (see {@link LambdaTwin.functionUrl}). */
  functionUrl?: boolean;
}

/** How the twin behaves. */
export interface TwinOptions {
  /**
   * An `Event` invoke when every environment is busy: `queue` it until one frees (what
   * Lambda does; the default) or answer `TooManyRequestsException` (`throttle`).
   */
  eventsAtLimit?: 'queue' | 'throttle';
}

/** A fault the next invoke of a function answers with, instead of running. */
export type InjectedFault = 'throttle' | 'service-error';

/** One invocation, as the twin saw it. */
export interface InvocationRecord {
  requestId: string;
  functionName: string;
  type: 'RequestResponse' | 'Event' | 'FunctionUrl';
  event: string;
  /** How it ended (absent while it runs): `throttled` never ran. */
  outcome?: 'response' | 'stream' | 'error' | 'throttled' | 'fault';
  errorType?: string;
  /** The response body, for buffered responses. */
  response?: string;
}

/** Answer of {@link LambdaTwin.run}: the result, or why it did not run. */
export type RunAnswer =
  | InvocationResult
  | { kind: 'throttled' }
  | { kind: 'fault'; fault: InjectedFault };

interface Deployed {
  config: TwinFunction;
  taskRoot: string;
  environments: Environment[];
  /** Environments being started (they count against concurrency). */
  starting: number;
  faults: InjectedFault[];
  /** Accepted `Event` invokes waiting for an environment. */
  events: { record: InvocationRecord }[];
}

export class LambdaTwin {
  readonly #functions = new Map<string, Deployed>();
  readonly #options: TwinOptions;
  readonly #running = new Set<Promise<unknown>>();
  readonly #urls = new Map<string, HttpFront>();
  #front: HttpFront | undefined;
  /** Every invocation, in arrival order. */
  readonly records: InvocationRecord[] = [];

  private constructor(options: TwinOptions) {
    this.#options = options;
  }

  /** Deploy the functions and start the Invoke API (and their Function URLs) on 127.0.0.1. */
  static async start(functions: TwinFunction[], options: TwinOptions = {}): Promise<LambdaTwin> {
    const twin = new LambdaTwin(options);
    for (const config of functions) twin.deploy(config);
    twin.#front = await startInvokeFront(twin);
    for (const config of functions) {
      if (config.functionUrl)
        twin.#urls.set(config.name, await startFunctionUrl(twin, config.name));
    }
    return twin;
  }

  /** The Invoke API's endpoint (`http://127.0.0.1:PORT`), for the SDK's `endpoint`. */
  get endpoint(): string {
    return this.#front!.url;
  }

  /** The Function URL of a function deployed with `functionUrl: true`. */
  functionUrl(name: string): string {
    const front = this.#urls.get(name);
    if (!front) throw new Error(`function ${name} has no Function URL`);
    return front.url;
  }

  /**
   * Deploy (or replace) a function. Its task root is a folder with one `index.mjs` that
   * re-exports the handler file, as a bundle would be.
   */
  deploy(config: TwinFunction): void {
    const taskRoot = mkdtempSync(join(tmpdir(), `noob-twin-${config.name}-`));
    writeFileSync(
      join(taskRoot, 'index.mjs'),
      `export * from ${JSON.stringify(pathToFileURL(config.file).href)};\n`,
    );
    this.#functions.set(config.name, {
      config,
      taskRoot,
      environments: [],
      starting: 0,
      faults: [],
      events: [],
    });
  }

  /** Whether a function of this name is deployed. */
  has(name: string): boolean {
    return this.#functions.has(name);
  }

  /** The next invokes of `name` answer these faults, in order, instead of running. */
  injectFaults(name: string, faults: InjectedFault[]): void {
    this.#deployed(name).faults.push(...faults);
  }

  /** A function's live environments (a test may kill one's process). */
  environments(name: string): Environment[] {
    return this.#deployed(name).environments.filter((e) => e.state !== 'dead');
  }

  /** Records of one function's invocations. */
  invocations(name: string): InvocationRecord[] {
    return this.records.filter((r) => r.functionName === name);
  }

  /**
   * Accept an invocation. `RequestResponse` and `FunctionUrl` run now (or are throttled);
   * an `Event` is queued to run when an environment is free and answers at once.
   */
  async run(name: string, type: InvocationRecord['type'], event: string): Promise<RunAnswer> {
    const fn = this.#deployed(name);
    const record: InvocationRecord = { requestId: randomUUID(), functionName: name, type, event };
    this.records.push(record);
    const fault = fn.faults.shift();
    if (fault) {
      record.outcome = 'fault';
      return { kind: 'fault', fault };
    }
    if (type === 'Event') {
      if (this.#options.eventsAtLimit === 'throttle' && !this.#hasRoom(fn)) {
        record.outcome = 'throttled';
        return { kind: 'throttled' };
      }
      fn.events.push({ record });
      this.#pump(fn);
      return { kind: 'response', body: Buffer.alloc(0) };
    }
    const environment = this.#take(fn);
    if (!environment) {
      record.outcome = 'throttled';
      return { kind: 'throttled' };
    }
    return this.#track(this.#invoke(fn, await environment, record));
  }

  /** Resolves when no invocation runs or waits (queued events included). */
  async settled(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      const waiting = [...this.#functions.values()].some((fn) => fn.events.length > 0);
      if (this.#running.size === 0 && !waiting) return;
      await Promise.race([...this.#running, new Promise((done) => setTimeout(done, 20))]);
    }
  }

  /** Stop the fronts and every environment, and remove the task roots. */
  async stop(): Promise<void> {
    await this.#front?.close();
    await Promise.all([...this.#urls.values()].map((front) => front.close()));
    for (const fn of this.#functions.values()) fn.events.length = 0;
    await Promise.all(
      [...this.#functions.values()].flatMap((fn) => fn.environments.map((e) => e.stop())),
    );
    for (const fn of this.#functions.values())
      rmSync(fn.taskRoot, { recursive: true, force: true });
  }

  #deployed(name: string): Deployed {
    const fn = this.#functions.get(name);
    if (!fn) throw new Error(`no function ${name}`);
    return fn;
  }

  #hasRoom(fn: Deployed): boolean {
    fn.environments = fn.environments.filter((e) => e.state !== 'dead');
    if (fn.environments.some((e) => e.state === 'idle')) return true;
    return fn.environments.length + fn.starting < (fn.config.reservedConcurrency ?? 10);
  }

  /** An idle environment (warm), a new one (cold) within the concurrency, or none. */
  #take(fn: Deployed): Promise<Environment> | undefined {
    if (!this.#hasRoom(fn)) return undefined;
    const idle = fn.environments.find((e) => e.state === 'idle');
    if (idle) {
      idle.reserve();
      return Promise.resolve(idle);
    }
    fn.starting++;
    return Environment.start(fn.config, fn.taskRoot).then(
      (environment) => {
        fn.starting--;
        fn.environments.push(environment);
        return environment;
      },
      (error) => {
        fn.starting--;
        throw error;
      },
    );
  }

  /** Run queued events while there are environments for them. */
  #pump(fn: Deployed): void {
    while (fn.events.length > 0) {
      const environment = this.#take(fn);
      if (!environment) return;
      const { record } = fn.events.shift()!;
      this.#track(
        environment
          .then((e) => this.#invoke(fn, e, record))
          .then((result) => {
            // Nobody reads an async invocation's response: drain a stream.
            if (result.kind === 'stream') result.body.resume();
          }),
      );
    }
  }

  async #invoke(fn: Deployed, environment: Environment, record: InvocationRecord) {
    // Taken synchronously: the environment counts as busy from here.
    const result = await environment.invoke(record.requestId, record.event);
    record.outcome = result.kind;
    if (result.kind === 'error') {
      record.errorType = result.errorType;
      record.response = result.body;
    }
    if (result.kind === 'response') record.response = result.body.toString();
    const free = result.kind === 'stream' ? environment.whenFree() : Promise.resolve();
    void free.then(() => this.#pump(fn));
    return result;
  }

  #track<T>(work: Promise<T>): Promise<T> {
    const tracked = work.finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
    return tracked;
  }
}
