import type { z } from 'zod';
import type { EventContracts } from './contract';
import { billingTopics } from './billing';
import { memberTopics } from './members';
import { operationsTopics } from './operations';
import { postTopics } from './posts';
import { privacyTopics } from './privacy';
import { reservationTopics } from './reservations';

export * from './contract';

/** Every topic of the event stream between Tunet's subgraphs, with its payload schema and version. */
export const tunetEvents = {
  ...memberTopics,
  ...postTopics,
  ...reservationTopics,
  ...billingTopics,
  ...privacyTopics,
  ...operationsTopics,
} satisfies EventContracts;

export type TunetEvents = typeof tunetEvents;
export type TunetTopic = keyof TunetEvents;
export type TunetPayload<T extends TunetTopic> = z.output<TunetEvents[T]['schema']>;
