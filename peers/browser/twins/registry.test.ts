import { describe, expect, it } from 'vitest';
import { standardNodes } from '../../../core/stdlib/index.ts';
import { createRegistry } from './registry.ts';

describe("the browser peer's registry", () => {
  const registry = createRegistry();

  it("behavior: resolves the noob.* library's functions to the library's own definitions", async () => {
    const resolved = await registry.resolveNode('noob.testing.multiply', '/');
    expect(resolved).toEqual({ ok: true, definition: standardNodes['noob.testing.multiply'] });
  });

  it('error: refuses module types and stateful library nodes, naming them', async () => {
    expect(await registry.resolveNode('./nodes.ts#double', '/')).toEqual({
      ok: false,
      reason: expect.stringMatching(/module type "\.\/nodes\.ts#double" is not allowed: a browser/),
    });
    expect(await registry.resolveNode('noob.testing.count_source', '/')).toEqual({
      ok: false,
      reason: expect.stringMatching(/"noob\.testing\.count_source" is not one a browser peer runs/),
    });
  });
});
