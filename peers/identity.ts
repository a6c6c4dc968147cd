import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { PeerError } from './errors.ts';

/**
 * A peer's identity is its private key: the peer id is derived from it, and every message
 * it publishes is signed with it. Kept in a file (protobuf bytes, mode 0600) so that a
 * restarted peer is the same peer to the others: its score and ledger entries follow it.
 */
export async function loadOrCreateKey(file: string): Promise<PrivateKey> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new PeerError(`cannot read the peer key ${file}: ${(error as Error).message}`);
    }
  }
  if (bytes) {
    try {
      return privateKeyFromProtobuf(bytes);
    } catch (error) {
      throw new PeerError(`${file} is not a libp2p private key: ${(error as Error).message}`, {
        details: 'Give another --key file, or remove this one to make a new identity.',
      });
    }
  }
  const key = await generateKeyPair('Ed25519');
  await mkdir(dirname(file), { recursive: true });
  // Written whole, then renamed: a crash never leaves a half key that would change the id.
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, privateKeyToProtobuf(key), { mode: 0o600 });
  await rename(partial, file);
  return key;
}
