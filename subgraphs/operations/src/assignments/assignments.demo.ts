import type { SubgraphDatabase } from '@tunet/kit';
import { CommentsRepository } from '../comments/comments.repository';
import { MAX_COMMENTS_PER_AUTHOR } from '../comments/comments.service';
import { RatingsRepository } from '../ratings/ratings.repository';
import { ServiceRequestsRepository } from '../service-requests/service-requests.repository';
import { AssignmentsRepository } from './assignments.repository';

/** Who works on the demo's service requests: the board member, the caretaker, and the reporter who rates. */
export interface DemoWork {
  association: string;
  board: string;
  caretaker: string;
  ola: string;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * The work on Solbakken's demo requests (decision 0042; after loadDemoServiceRequests): the caretaker has the water
 * leak, with a public answer to Ola and an internal note, and the radiator waiting for a part, with the plumbing
 * firm engaged; Ola rated the mended front door. Tells nobody (old news), and does nothing when the caretaker has
 * work already or the requests are not there.
 */
export async function loadDemoWork(db: SubgraphDatabase, demo: DemoWork, now = new Date()): Promise<boolean> {
  const requests = await new ServiceRequestsRepository(db).list(demo.association, { kind: 'all' }, null, null, 100, now);
  if (requests.some((request) => request.assigneeMemberId !== null)) return false;
  const titled = (title: string) => requests.find((request) => request.title === title);
  const [leak, radiator, door] = [titled('Lekker under kjøkkenvasken'), titled('Kald radiator på soverommet'), titled('Ytterdøra går ikke i lås')];
  if (!leak || !radiator || !door) return false;
  const ago = (hours: number) => new Date(now.getTime() - hours * HOUR_MS);
  const assignments = new AssignmentsRepository(db);
  const comments = new CommentsRepository(db);
  await assignments.assign(demo.association, leak.id, { assigneeMemberId: demo.caretaker, supplier: null }, demo.board, ago(40), false);
  const supplier = { name: 'Rørlegger Hansen AS', contactName: 'Per Hansen', email: 'post@rorlegger-hansen.example', phone: '+47 22 33 44 55' };
  await assignments.assign(demo.association, radiator.id, { assigneeMemberId: demo.caretaker, supplier }, demo.board, ago(120), false);
  const thread = [
    { author: demo.caretaker, visibility: 'public', body: 'Jeg ser på det i morgen tidlig. Steng gjerne stoppekranen under vasken i mellomtiden.', hours: 30 },
    { author: demo.caretaker, visibility: 'internal', body: 'Pakningen i vannlåsen er sprukket. Har en ny på lager, trenger ikke rørlegger.', hours: 20 },
    { author: demo.ola, visibility: 'public', body: 'Takk! Stoppekranen er stengt.', hours: 19 },
  ] as const;
  for (const { author, visibility, body, hours } of thread) {
    await comments.add(demo.association, { requestId: leak.id, authorMemberId: author, visibility, body, createdAt: ago(hours) }, MAX_COMMENTS_PER_AUTHOR);
  }
  await new RatingsRepository(db).rate(demo.association, {
    requestId: door.id,
    raterMemberId: demo.ola,
    score: 5,
    comment: 'Rask hjelp, døra går i lås igjen.',
    createdAt: ago(33 * 24),
  });
  return true;
}
