import type { DeadLetter } from '@tunet/kit';
import { deletedLetter } from './dead-letters';

describe('dead-letters delete', () => {
  it('names the deleted letter by id, group, topic and event id, without the payload and its personal data', () => {
    const letter: DeadLetter = {
      id: 7,
      group: 'notifications',
      event: {
        eventId: '6b8b5e9b-7e75-47b7-beff-3052800f0e37',
        topic: 'member.joined',
        associationId: 'a0000000-0000-4000-8000-000000000001',
        occurredAt: new Date('2026-12-07T06:00:00Z'),
        payload: { name: 'Kari Nordmann', email: 'kari@example.no' },
      },
      reason: 'handler kept failing',
      attempts: 5,
      deadAt: new Date('2026-12-07T06:01:00Z'),
      replayedAt: null,
    };
    expect(deletedLetter(letter)).toEqual({ id: 7, group: 'notifications', topic: 'member.joined', eventId: '6b8b5e9b-7e75-47b7-beff-3052800f0e37' });
    expect(JSON.stringify(deletedLetter(letter))).not.toMatch(/Kari|kari@example/);
  });
});
