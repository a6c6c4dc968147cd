import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { JobRequest } from '../../functions/api/client.ts';
import { parseInputText } from '../tube/inputs.ts';
import { parseTubeSource } from '../tube/source.ts';
import type { TubeInput } from '../tube/tube.ts';
import { UsageError } from './usage.ts';

/** What `noob jobs submit` was given. */
export interface SubmitArguments {
  /** A tube file here, or the noob_id of a tube registered on the server. */
  tube: string;
  /** `--input key=value` pairs, as text. */
  inputText: Record<string, string>;
  epochs?: number;
  priority?: string;
  tags?: string[];
  /** Attempts per node call (`--attempts`; 1: no retry). */
  attempts?: number | undefined;
  /** `--runner p2p`: the node calls run on the server's peer network. */
  runner?: JobRequest['runner'];
  /** `--verification`, read (see `parseVerification`): how the peers verify them. */
  verification?: JobRequest['verification'];
  /** `--settlement NAME:REWARD`, read (see `parseSettlementChoice`): the escrow that pays. */
  settlement?: JobRequest['settlement'];
}

/**
 * The job request for `noob jobs submit`. A TUBE that is a file here is sent as its text
 * (the server checks it as any submitted tube); any other word is sent as a `noob_id` for
 * the server to find among its registered tubes. `--input` values are read by the type
 * the file declares for them (`7` for int, JSON for lists), as `noob run` reads them; for
 * a noob_id, whose declarations are on the server, a value that parses as JSON is sent as
 * that JSON, else as text (`--input name='"7"'` sends the string "7").
 */
export function jobRequest(args: SubmitArguments): JobRequest {
  const file = existsSync(args.tube) ? args.tube : undefined;
  if (!file && /[/\\]|\.ya?ml$/.test(args.tube))
    throw new UsageError(`no tube file ${args.tube} (TUBE is a tube file or a noob_id)`);
  const text = file ? readFileSync(file, 'utf8') : undefined;
  const declared = text === undefined ? {} : declaredInputs(text, file!);
  const inputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args.inputText)) {
    // parseInputText reads only the declaration's id and type.
    const input = declared[name] ? ({ id: name, ...declared[name] } as TubeInput) : undefined;
    inputs[name] = parseInputText(value, input);
  }
  return {
    tube: text ?? args.tube,
    // One key per command: a request sent again (see api-connection.ts) makes no second job.
    idempotencyKey: `noob-cli-${randomUUID()}`,
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
    ...(args.epochs === undefined ? {} : { epochs: args.epochs }),
    ...(args.priority === undefined ? {} : { priority: args.priority as JobRequest['priority'] }),
    ...(args.tags && args.tags.length > 0 ? { tags: args.tags } : {}),
    ...(args.attempts === undefined ? {} : { retry: { attempts: args.attempts } }),
    ...(args.runner === undefined ? {} : { runner: args.runner }),
    ...(args.verification === undefined ? {} : { verification: args.verification }),
    ...(args.settlement === undefined ? {} : { settlement: args.settlement }),
  };
}

/** The types a tube file declares for its inputs (a malformed file fails naming its line). */
function declaredInputs(text: string, file: string): Record<string, { type: string }> {
  const { data } = parseTubeSource(text, file);
  const section = (data as { input?: unknown } | null)?.input;
  if (typeof section !== 'object' || section === null) return {};
  const types: Record<string, { type: string }> = {};
  for (const [name, spec] of Object.entries(section)) {
    const type = (spec as { type?: unknown } | null)?.type;
    if (typeof type === 'string') types[name] = { type };
  }
  return types;
}
