import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

test('error: an OTEL_* value noob cannot follow stops the command at start, naming it, with nothing created', () => {
  const dir = mkdtempSync(join(tmpdir(), 'noob-tracing-cli-'));
  try {
    const db = join(dir, 'noob.db');
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'noob.js'), 'worker', '--db', db], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'noob: OTEL_EXPORTER_OTLP_PROTOCOL=grpc: noob exports OTLP over HTTP only',
    );
    expect(run.stderr).toContain('http/json or http/protobuf');
    expect(existsSync(db)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
