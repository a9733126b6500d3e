import { DEFAULT_OUTBOX_KEEP_RELAYED_HOURS } from '@tunet/kit';
import { UsageError } from './cli';
import { parseReplayArguments } from './replay-events';

const HOUR = 3_600_000;
const context = { names: ['members', 'posts'], now: new Date('2026-12-07T08:00:00Z'), keepRelayedMs: DEFAULT_OUTBOX_KEEP_RELAYED_HOURS * HOUR };

describe('replay-events arguments', () => {
  it('takes a time within the outboxes retention, with its zone, and a subgraph and group by name', () => {
    expect(parseReplayArguments(['--since', '2026-12-07T06:00:00Z'], context)).toEqual({ since: new Date('2026-12-07T06:00:00Z') });
    expect(parseReplayArguments(['--since', '2026-12-06T07:30+01:00', '--subgraph', 'posts', '--group', 'members'], context)).toEqual({
      since: new Date('2026-12-06T06:30:00Z'),
      subgraph: 'posts',
      group: 'members',
    });
    // The oldest time the relay still keeps (72 hours by default) is allowed.
    expect(parseReplayArguments(['--since', '2026-12-04T08:00:00Z'], context)).toEqual({ since: new Date('2026-12-04T08:00:00Z') });
  });

  it('refuses a time older than the outboxes keep relayed events, saying from when a replay is possible', () => {
    expect(parseReplayArguments(['--since', '2026-12-04T07:59:59Z'], context)).toEqual({
      refused: expect.stringMatching(
        /^--since 2026-12-04T07:59:59Z is before 2026-12-04T08:00:00\.000Z: the outboxes keep relayed events 72 hours \(OUTBOX_KEEP_RELAYED_HOURS/,
      ),
    });
    expect(parseReplayArguments(['--since', '2026-12-07T06:00:00Z'], { ...context, keepRelayedMs: 1 * HOUR })).toEqual({
      refused: expect.stringContaining('keep relayed events 1 hours'),
    });
  });

  it('refuses a date or clock time that does not exist instead of rolling it over', () => {
    for (const since of ['2026-02-30T00:00:00Z', '2026-12-06T24:00:00Z', '2026-12-06T10:60:00Z', '2026-12-06T10:00:61Z', '2026-12-06T10:00:00+24:00']) {
      expect(parseReplayArguments(['--since', since], context)).toEqual({ refused: `--since ${since} is not a real date and time` });
    }
  });

  it('is a usage error without a zone, with an unknown subgraph or group, or with a flag twice', () => {
    for (const rest of [
      [],
      ['--since', '2026-12-07T06:00:00'],
      ['--since', '2026-12-07'],
      ['--since', '2026-12-07T06:00:00Z', '--subgraph', 'gateway'],
      ['--since', '2026-12-07T06:00:00Z', '--group', 'nobody'],
      ['--since', '2026-12-07T06:00:00Z', '--since', '2026-12-07T07:00:00Z'],
    ]) {
      expect(() => parseReplayArguments(rest, context)).toThrow(UsageError);
    }
  });
});
