import { Epoch } from '../../core/epoch.ts';
import { NoobError } from '../../core/errors.ts';
import { Exhausted, NoEvent } from '../../core/events.ts';
import type { NodeDefinition, NodeInstance } from '../../core/node/define.ts';
import {
  type ModulePolicy,
  type ModulePolicyHint,
  moduleTypeRefusal,
} from '../../core/node/module-policy.ts';
import { createRegistry, type ModuleRules, type NodeRegistry } from '../../core/node/registry.ts';
import { checkSendableOutputs } from '../../core/runners/sendable.ts';
import type { TaskRequest, TaskResult } from './task.ts';

/** The node type could not be resolved: names the type and why. Retrying cannot help. */
export class UnknownNodeTypeError extends NoobError {
  override name: 'UnknownNodeTypeError' | 'ModuleNotAllowedError' = 'UnknownNodeTypeError';
}

/**
 * The node type names a module this worker's {@link ModulePolicy} refuses: nothing was
 * imported. A kind of {@link UnknownNodeTypeError}, so a queue worker does not retry it.
 */
export class ModuleNotAllowedError extends UnknownNodeTypeError {
  override name = 'ModuleNotAllowedError' as const;
}

/** How a module type refused by a worker is explained. */
export const WORKER_MODULES_HINT: ModulePolicyHint = {
  subject: 'tasks on this worker',
  remedy:
    'its operator allows them with `noob worker --allow-modules` (all) or `--allow-modules PKG,./FOLDER,...` (only those); the workers of `noob serve` allow its tube folders and its own `--allow-modules`',
};

/** How a {@link TaskExecutor} is built. */
export interface TaskExecutorOptions {
  /** Where node types come from (default: built-ins, standard library, user modules). */
  registry?: NodeRegistry;
  /** Folder that relative module types and package names resolve from (default: cwd). */
  directory?: string;
  /**
   * Which module types (`/abs/nodes.ts#f`, `./nodes.ts#f`, `package#f`) a task may name;
   * checked before anything is imported. Default: the registry's own rules (for
   * {@link createRegistry}, `'allow'`: a developer's worker runs their own tube's modules).
   * A refused type throws {@link ModuleNotAllowedError}.
   */
  modules?: ModulePolicy;
}

/** The node is one the engine itself runs (map, gather, return, tube): not a worker's job. */
export class EngineNodeError extends NoobError {
  override name = 'EngineNodeError' as const;
}

type Live = NodeInstance | Iterator<unknown> | AsyncIterator<unknown>;

/**
 * Executes node calls for a worker: resolves types once, keeps stateful instances (class
 * instances, running generators) by their `instance` key, and shapes outputs by signal.
 */
export class TaskExecutor {
  readonly #registry: NodeRegistry;
  readonly #directory: string;
  readonly #rules: ModuleRules | undefined;
  readonly #definitions = new Map<string, Promise<NodeDefinition>>();
  readonly #instances = new Map<string, Live>();
  readonly #creating = new Map<string, Promise<Live>>();

  constructor(options: TaskExecutorOptions = {}) {
    this.#registry = options.registry ?? createRegistry();
    this.#directory = options.directory ?? process.cwd();
    this.#rules = options.modules
      ? { modules: options.modules, modulesHint: WORKER_MODULES_HINT }
      : undefined;
  }

  /**
   * The definition for `type` (cached); throws {@link UnknownNodeTypeError}, or
   * {@link ModuleNotAllowedError} for a module type the policy refuses.
   */
  definition(type: string): Promise<NodeDefinition> {
    let found = this.#definitions.get(type);
    if (!found) {
      found = this.#registry.resolveNode(type, this.#directory, this.#rules).then((resolution) => {
        if (resolution.ok) return resolution.definition;
        throw this.#refused(type)
          ? new ModuleNotAllowedError(resolution.reason)
          : new UnknownNodeTypeError(resolution.reason);
      });
      found.catch(() => this.#definitions.delete(type));
      this.#definitions.set(type, found);
    }
    return found;
  }

  /**
   * Whether the policy refused `type` (the registry looks up known types first, so a type
   * it could not resolve that the policy refuses was refused, never imported).
   */
  #refused(type: string): boolean {
    const modules = this.#rules?.modules;
    return (
      modules !== undefined &&
      type.includes('#') &&
      moduleTypeRefusal(type, this.#directory, modules) !== undefined
    );
  }

  /**
   * Runs one call. Errors thrown by the node propagate as they are. `enter` runs each piece
   * of the node's own code (what its output capture attributes writes by; see
   * output-capture.ts `captureCall`).
   */
  async execute(
    task: TaskRequest,
    signal: AbortSignal,
    enter: <R>(code: () => R) => R = (code) => code(),
  ): Promise<TaskResult> {
    const definition = await this.definition(task.type);
    const context = { nodeId: task.nodeId, epoch: Epoch.parse(task.epoch), signal };
    let raw: unknown;
    switch (definition.kind) {
      case 'function': {
        const defaults = Object.fromEntries(
          Object.entries(definition.slots)
            .filter(([, slot]) => 'default' in slot)
            .map(([name, slot]) => [name, slot.default]),
        );
        raw = await enter(() =>
          definition.process!({ ...defaults, ...task.params, ...task.inputs }, context),
        );
        break;
      }
      case 'generator': {
        const iterator = this.#instance(task, () =>
          enter(() => definition.generate!({ ...task.params }, context)),
        ) as Iterator<unknown>;
        const step = await enter(() => iterator.next());
        raw = step.done ? Exhausted : step.value;
        break;
      }
      case 'class': {
        const instance = (await this.#instanceAsync(task, async () => {
          const created = enter(() => new definition.class!({ ...task.params }));
          await enter(() => created.init?.());
          return created;
        })) as NodeInstance;
        raw = await enter(() => instance.process(task.inputs, context));
        break;
      }
      default:
        throw new EngineNodeError(
          `node type "${task.type}" (${definition.kind}) is run by the engine, not by workers`,
        );
    }
    const outputs = shapeOutputs(definition, raw);
    // Checked here, where the node ran: JSON would drop a function or a method silently.
    checkSendableOutputs(task.nodeId, Object.entries(outputs), 'json', 'a worker');
    return { cid: task.cid, exhausted: raw === Exhausted, outputs };
  }

  #instance(task: TaskRequest, create: () => Live): Live {
    const key = task.instance ?? `${task.type}#${task.nodeId}`;
    let live = this.#instances.get(key);
    if (!live) {
      live = create();
      this.#instances.set(key, live);
    }
    return live;
  }

  /**
   * A class instance, made once per key: calls of one instance arriving together (in one
   * batch) wait for the same construction and `init` instead of each making their own.
   */
  async #instanceAsync(task: TaskRequest, create: () => Promise<Live>): Promise<Live> {
    const key = task.instance ?? `${task.type}#${task.nodeId}`;
    const live = this.#instances.get(key);
    if (live) return live;
    let creating = this.#creating.get(key);
    if (!creating) {
      creating = create()
        .then((made) => {
          this.#instances.set(key, made);
          return made;
        })
        .finally(() => this.#creating.delete(key));
      this.#creating.set(key, creating);
    }
    return creating;
  }

  /** Number of stateful instances kept. */
  get instanceCount(): number {
    return this.#instances.size;
  }

  /** Drops the instances whose key starts with `prefix` (all when empty); returns how many. */
  async drop(prefix = ''): Promise<number> {
    let dropped = 0;
    for (const [key, live] of this.#instances) {
      if (!key.startsWith(prefix)) continue;
      this.#instances.delete(key);
      dropped++;
      if ('process' in live) await (live as NodeInstance).deinit?.();
      else await (live as Iterator<unknown>).return?.();
    }
    return dropped;
  }

  /** Calls `deinit` on class instances and closes generators. */
  async close(): Promise<void> {
    await this.drop();
  }
}

/** Signal name → value for the signals that fired. */
function shapeOutputs(definition: NodeDefinition, raw: unknown): Record<string, unknown> {
  if (raw === Exhausted || raw === NoEvent) return {};
  const signals = definition.signals;
  if (signals.length === 1) return { [signals[0]!]: raw === undefined ? null : raw };
  const outputs: Record<string, unknown> = {};
  signals.forEach((name, i) => {
    const value = Array.isArray(raw) ? raw[i] : (raw as Record<string, unknown> | null)?.[name];
    if (value !== undefined && value !== NoEvent) outputs[name] = value;
  });
  return outputs;
}
