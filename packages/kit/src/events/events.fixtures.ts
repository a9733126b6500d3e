import { topic, type EventContracts } from '@tunet/events';
import { z } from 'zod';

/** Waiting helpers for the event tests, which watch background loops. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `check` until it stops throwing, or rethrows its last failure after `timeoutMs`. */
export async function eventually(check: () => unknown, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(20);
    }
  }
}

/**
 * Contracts for the kit's own event tests, which are about moving events rather than their payloads: any topic
 * they use, with any object as its payload.
 */
export function anyPayloadContracts(topics: readonly string[]): EventContracts {
  const any = topic({ version: 1, producer: 'members', consumers: [], description: 'test', schema: z.record(z.string(), z.unknown()) });
  return Object.fromEntries(topics.map((name) => [name, any]));
}
