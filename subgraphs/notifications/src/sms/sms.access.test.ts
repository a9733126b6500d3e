import { randomUUID } from 'node:crypto';
import { viewerIn } from '@tunet/kit/src/kit.fixtures';
import { integratorOf } from '../notifications.fixtures';
import { canSeeSmsUsage } from './sms.access';

describe('canSeeSmsUsage', () => {
  const association = randomUUID();

  it('lets only the association’s own board see its SMS usage', () => {
    expect(canSeeSmsUsage(viewerIn(association, 'board'), association)).toBe(true);
    expect(canSeeSmsUsage(viewerIn(association, 'resident'), association)).toBe(false);
    expect(canSeeSmsUsage(viewerIn(association, 'external'), association)).toBe(false);
    expect(canSeeSmsUsage(viewerIn(randomUUID(), 'board'), association)).toBe(false);
    expect(canSeeSmsUsage(integratorOf(association), association)).toBe(false);
    expect(canSeeSmsUsage(null, association)).toBe(false);
  });
});
