import type { Logger } from '@tunet/kit';
import { SubgraphHealth } from './subgraph-health';

describe('subgraph health: the breakers in the log', () => {
  it('warns with the subgraph name when a breaker opens and when it closes again', () => {
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    const logger = { warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }) } as unknown as Logger;
    let now = 0;
    const breaker = new SubgraphHealth({ failures: 2, cooldownMs: 1000, windowMs: 10_000 }, logger, () => now).register('posts', 'http://127.0.0.1:1/graphql');

    breaker.recordFailure();
    expect(warnings).toEqual([]);
    breaker.recordFailure();
    expect(warnings).toEqual([{ fields: { subgraph: 'posts', cooldownMs: 1000 }, message: 'subgraph circuit breaker opened' }]);

    now = 1000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordAnswer();
    expect(warnings.map((warning) => [warning.fields.subgraph, warning.message])).toEqual([
      ['posts', 'subgraph circuit breaker opened'],
      ['posts', 'subgraph circuit breaker closed'],
    ]);
  });
});
