import { describe, expect, it } from 'vitest';
import { loadTubeFromText } from './load.ts';

describe('declared names', () => {
  it('error: input.toString and assets.constructor are not declared names (object prototype members)', async () => {
    const tube = `noob_id: proto
nodes:
  a:
    type: noob.testing.multiply
    depends:
      - left: input.toString
      - right: assets.constructor
`;
    const error = await loadTubeFromText(tube, { file: 'proto.yaml' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TubeLoadError' });
    const messages = (error as { problems: { message: string }[] }).problems.map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'depends on input.toString, but the tube declares no input toString',
        ),
        expect.stringContaining(
          'depends on assets.constructor, but the tube declares no asset constructor',
        ),
      ]),
    );
  });
});
