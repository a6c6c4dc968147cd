import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RuntimeApi, type RuntimeOutcome } from './runtime-api.ts';

/**
 * One Lambda execution environment: a real runtime process (`aws-lambda-ric`, AWS's own
 * runtime interface client, in its own Node process) running the function's handler
 * file, with its own Runtime API server. It is cold until its runtime first asks for work,
 * runs one invocation at a time, and is reused while it lives (warm starts). A timeout
 * kills it, as Lambda does.
 */

/** A function as the twin knows it (what a deployment configures). */
export interface FunctionConfig {
  name: string;
  /** The handler module: an absolute path (TypeScript runs through Node's type stripping). */
  file: string;
  /** Its exported handler (default `handler`). */
  export?: string;
  /** Environment variables of the function. */
  env?: Record<string, string>;
  /**
   * The folder Lambda would unpack at `/var/task` (a bundle's folder): environment
   * values under `/var/task/` point into it, so a deployment's own settings (the addon's
   * `NOOB_NATIVE_PATH`) run unchanged.
   */
  codeDir?: string;
  /** Longest run of one invocation before the environment is killed (default 30 s). */
  timeoutMs?: number;
  /** What the runtime is told (default 512). */
  memoryMb?: number;
  /** Environments at once: the function's reserved concurrency (default 10). */
  reservedConcurrency?: number;
}

/** What an invocation came to. */
export type InvocationResult =
  | { kind: 'response'; body: Buffer }
  | Extract<RuntimeOutcome, { kind: 'stream' }>
  | { kind: 'error'; errorType: string; body: string };

/**
 * AWS's runtime interface client, from its own small project beside this file (npm test's
 * set-up installs it: it compiles native code, which the project's own install avoids).
 */
const RUNTIME_CLIENT_DIR = join(import.meta.dirname, 'runtime-client');
const RIC_ENTRY = join(dirname(runtimeClientPackage()), 'index.mjs');

function runtimeClientPackage(): string {
  try {
    return createRequire(join(RUNTIME_CLIENT_DIR, 'package.json')).resolve(
      'aws-lambda-ric/package.json',
    );
  } catch {
    throw new Error(
      `the Lambda twin runs AWS's runtime client, aws-lambda-ric, and ${RUNTIME_CLIENT_DIR} has none installed: npm test installs it (scripts/bootstrap.mjs), or run npm ci there; it compiles native code, so the machine needs cmake, autoconf, automake, libtool and a C++ compiler`,
    );
  }
}

type State = 'init' | 'idle' | 'busy' | 'dead';

/** One environment; made by {@link Environment.start}. */
export class Environment {
  readonly id = randomUUID();
  readonly config: FunctionConfig;
  #state: State = 'init';
  readonly #api: RuntimeApi;
  #child: ChildProcess | undefined;
  #log = '';
  #ready: Promise<void>;
  #markReady!: () => void;
  #initFailed: { errorType: string; body: string } | undefined;
  /** The invocation in progress: how to settle it. */
  #current: { requestId: string; settle: (result: InvocationResult) => void } | undefined;
  /** Resolves when the environment is free again (after a stream ends, too). */
  #freed: (() => void) | undefined;

  private constructor(config: FunctionConfig) {
    this.config = config;
    this.#ready = new Promise((done) => {
      this.#markReady = done;
    });
    this.#api = new RuntimeApi({
      ready: () => this.#markReady(),
      initError: (errorType, body) => {
        this.#initFailed = { errorType, body };
        this.#markReady();
      },
      outcome: (requestId, outcome) => this.#settle(requestId, outcome),
    });
  }

  /** Start an environment: its Runtime API, then its runtime process (init runs meanwhile). */
  static async start(config: FunctionConfig, taskRoot: string): Promise<Environment> {
    const environment = new Environment(config);
    await environment.#api.start();
    environment.#spawn(taskRoot);
    return environment;
  }

  get state(): State {
    return this.#state;
  }

  /** Take an idle environment for an invocation about to start (so nobody else takes it). */
  reserve(): void {
    if (this.#state === 'idle') this.#state = 'busy';
  }

  /** The runtime process's id (a test may kill it). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** What the runtime printed (its log stream), for a test's failure message. */
  get log(): string {
    return this.#log;
  }

  /** The function's variables, `/var/task/…` values moved into its code folder. */
  #functionEnv(): Record<string, string> {
    const { env = {}, codeDir } = this.config;
    if (!codeDir) return env;
    return Object.fromEntries(
      Object.entries(env).map(([key, value]) => [
        key,
        value.startsWith('/var/task/') ? join(codeDir, value.slice('/var/task/'.length)) : value,
      ]),
    );
  }

  #spawn(taskRoot: string): void {
    const memory = String(this.config.memoryMb ?? 512);
    const child = spawn(process.execPath, [RIC_ENTRY], {
      cwd: taskRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TZ: ':UTC',
        LANG: 'en_US.UTF-8',
        AWS_LAMBDA_RUNTIME_API: this.#api.address,
        _HANDLER: `index.${this.config.export ?? 'handler'}`,
        LAMBDA_TASK_ROOT: taskRoot,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_NAME: this.config.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory,
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.config.name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `twin/${this.id}`,
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        ...this.#functionEnv(),
      },
    });
    this.#child = child;
    const keep = (chunk: Buffer) => {
      // The tail is enough to explain a failure.
      this.#log = (this.#log + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', (code, signal) => {
      const wasInit = this.#state === 'init';
      this.#state = 'dead';
      const reason = signal ? `signal: ${signal}` : `exit status ${code}`;
      if (wasInit && !this.#initFailed) {
        this.#initFailed = {
          errorType: 'Runtime.ExitError',
          body: errorBody('Runtime.ExitError', `Runtime exited during init with ${reason}`),
        };
      }
      this.#markReady();
      const current = this.#current;
      if (current) {
        this.#current = undefined;
        current.settle({
          kind: 'error',
          errorType: 'Runtime.ExitError',
          body: errorBody(
            'Runtime.ExitError',
            `RequestId: ${current.requestId} Error: Runtime exited with error: ${reason}`,
          ),
        });
      }
      this.#freed?.();
      void this.#api.stop();
    });
  }

  /**
   * Run one invocation here (the environment must be idle or still in init). Resolves
   * with the response (a stream resolves as it starts), the function's error, an init
   * failure, a crash or a timeout.
   */
  async invoke(requestId: string, event: string): Promise<InvocationResult> {
    this.#state = 'busy';
    await this.#ready;
    if (this.#initFailed) {
      this.kill();
      return { kind: 'error', ...this.#initFailed };
    }
    // The process may have exited while this invocation waited for init.
    if ((this.#state as State) === 'dead') {
      return {
        kind: 'error',
        errorType: 'Runtime.ExitError',
        body: errorBody('Runtime.ExitError', 'the runtime exited'),
      };
    }
    const timeoutMs = this.config.timeoutMs ?? 30_000;
    const result = await new Promise<InvocationResult>((settle) => {
      const timer = setTimeout(() => {
        if (this.#current?.requestId !== requestId) return;
        this.#current = undefined;
        settle({
          kind: 'error',
          errorType: 'Sandbox.Timedout',
          body: errorBody(
            'Sandbox.Timedout',
            `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
          ),
        });
        this.kill();
      }, timeoutMs);
      this.#current = {
        requestId,
        settle: (value) => {
          clearTimeout(timer);
          settle(value);
        },
      };
      this.#api.deliver({
        requestId,
        event,
        deadlineMs: Date.now() + timeoutMs,
        functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${this.config.name}`,
      });
    });
    if (result.kind === 'stream') {
      // Busy until the handler ends its stream.
      void result.ended.then(() => this.#free());
    } else this.#free();
    return result;
  }

  /** Resolves when the current invocation (a stream included) is over. */
  whenFree(): Promise<void> {
    if (this.#state !== 'busy') return Promise.resolve();
    return new Promise((done) => {
      const previous = this.#freed;
      this.#freed = () => {
        previous?.();
        done();
      };
    });
  }

  #free(): void {
    if (this.#state === 'busy') this.#state = 'idle';
    const freed = this.#freed;
    this.#freed = undefined;
    freed?.();
  }

  #settle(requestId: string, outcome: RuntimeOutcome): void {
    const current = this.#current;
    // A late answer for an invocation that already timed out is dropped.
    if (current?.requestId !== requestId) return;
    this.#current = undefined;
    current.settle(outcome);
  }

  /** Kill the runtime process (a crash, a timeout, or the twin stopping). */
  kill(): void {
    // Dead from now on: nothing may be given to it while the process goes.
    this.#state = 'dead';
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  /** Kill the process and wait until it is gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      await this.#api.stop().catch(() => undefined);
      return;
    }
    const exited = once(child, 'exit');
    this.kill();
    await exited;
  }
}

/** The body Lambda gives for a runtime-level failure. */
function errorBody(errorType: string, errorMessage: string): string {
  return JSON.stringify({ errorType, errorMessage });
}
