import type { NewEvent } from './events.repository';
import type { PostsSubgraph } from '../subgraph';

/** The members who arrange the demo events, from the members subgraph's demo data. */
export interface DemoArrangers {
  associations: { solbakken: string; fjordly: string };
  solbakkenBoard: string;
  fjordlyBoard: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Ids are fixed so the demo reads the same everywhere; dates follow the load time so the events lie ahead. */
function demoEvent(
  n: number,
  createdByMemberId: string,
  inDays: number,
  hours: number,
  fields: Pick<NewEvent, 'title' | 'description' | 'place'> & Partial<NewEvent>,
): NewEvent {
  // On the hour, as the board would set it.
  const startsAt = new Date(Math.floor((Date.now() + inDays * DAY) / HOUR) * HOUR);
  return {
    id: `ee000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    createdByMemberId,
    startsAt,
    endsAt: new Date(startsAt.getTime() + hours * HOUR),
    ...fields,
  };
}

/** A dugnad and a summer party in Solbakken and an annual meeting in Fjordly, so the calendar feeds show something. */
export async function loadDemoEvents(subgraph: PostsSubgraph, people: DemoArrangers): Promise<void> {
  const solbakken = [
    demoEvent(1, people.solbakkenBoard, 9, 4, {
      title: 'Vårdugnad',
      description: 'Vi raker plenene, rydder sykkelboden og planter blomster. Kaffe og vafler fra kl. 12.',
      place: 'Gården mellom blokkene',
    }),
    demoEvent(2, people.solbakkenBoard, 30, 5, {
      title: 'Sommerfest',
      description: 'Grill, leker for barna og loddtrekning. Ta med egen drikke.',
      place: 'Fellesrommet, Blokk A',
      capacity: 60,
      maxGuestsPerSignup: 3,
      pricePerAdult: 10_000,
    }),
  ];
  const fjordly = [
    demoEvent(3, people.fjordlyBoard, 20, 2, {
      title: 'Årsmøte',
      description: 'Regnskap, budsjett og valg av nytt styre. Saksliste sendes ut to uker før.',
      place: 'Fellesrommet',
    }),
  ];
  for (const event of solbakken) await subgraph.eventsRepository.insertEvent(people.associations.solbakken, event);
  for (const event of fjordly) await subgraph.eventsRepository.insertEvent(people.associations.fjordly, event);
}
