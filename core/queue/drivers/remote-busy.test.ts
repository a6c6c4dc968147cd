import { describe, expect, it } from 'vitest';
import { whileBusy } from './remote.ts';

/** The remote driver's answer to a server that found its database locked. */

const busy = () =>
  Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' });

describe('whileBusy', () => {
  it('behavior: a batch the server found locked is sent again until it commits', async () => {
    let sent = 0;
    const result = await whileBusy(async () => {
      sent++;
      if (sent < 3) throw busy();
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(sent).toBe(3);
  });

  it('error: any other error is thrown at once, not sent again', async () => {
    let sent = 0;
    const constraint = Object.assign(new Error('UNIQUE'), { code: 'SQLITE_CONSTRAINT' });
    await expect(
      whileBusy(async () => {
        sent++;
        throw constraint;
      }),
    ).rejects.toBe(constraint);
    expect(sent).toBe(1);
  });

  it('error: a lock held for good ends in SQLITE_BUSY after a bounded number of sends', async () => {
    let sent = 0;
    await expect(
      whileBusy(async () => {
        sent++;
        throw busy();
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(sent).toBe(8);
  });
});
