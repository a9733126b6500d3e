import type { NewPost } from './posts/posts.repository';
import type { PostsSubgraph } from './subgraph';

/** Members of the members subgraph's demo associations who write the demo posts; see its demo-data.ts. */
export interface DemoAuthors {
  solbakkenBoard: string;
  solbakkenResident: string;
  fjordlyBoard: string;
  associations: { solbakken: string; fjordly: string };
}

const HOUR = 3600 * 1000;

/** Ids are fixed so the demo reads the same on every machine; dates follow the load time so the feed looks fresh. */
const post = (n: number, authorMemberId: string, hoursAgo: number, title: string, body: string): NewPost => ({
  id: `d0000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  authorMemberId,
  title,
  body,
  publishedAt: new Date(Date.now() - hoursAgo * HOUR),
});

function solbakkenPosts(authors: DemoAuthors): NewPost[] {
  return [
    post(
      1,
      authors.solbakkenBoard,
      14 * 24,
      'Velkommen til Tunet',
      'Hei alle sammen! Styret har tatt i bruk Tunet for å nå alle beboere på ett sted. Her kommer nyheter fra ' +
        'styret, varsler om arbeid i blokkene og alt annet som angår borettslaget. Si gjerne fra hvis noe er uklart.',
    ),
    post(
      2,
      authors.solbakkenResident,
      3 * 24,
      'Dugnad lørdag 25. april',
      'Vårdugnaden holdes lørdag 25. april fra kl. 10 til 14. Vi raker plenene, rydder sykkelboden og planter ' +
        'blomster ved inngangene. Dugnadskomiteen stiller med kaffe, vafler og containere. Vel møtt!',
    ),
    post(
      3,
      authors.solbakkenBoard,
      5,
      'Vannet stenges tirsdag',
      'Rørleggeren bytter stoppekran i Blokk A tirsdag. Vannet er stengt i begge blokkene fra kl. 09 til ca. ' +
        'kl. 13. Fyll gjerne noen flasker kvelden før, og la kranene være lukket mens arbeidet pågår.',
    ),
  ];
}

function fjordlyPosts(authors: DemoAuthors): NewPost[] {
  return [
    post(
      4,
      authors.fjordlyBoard,
      2 * 24,
      'Årsmøte 12. mai',
      'Årsmøtet i Fjordly sameie holdes 12. mai kl. 18 i fellesrommet. Forslag som skal behandles må være ' +
        'styret i hende innen 28. april.',
    ),
  ];
}

/** Loads the demo posts unless any post exists. Returns whether it loaded them. */
export async function loadDemoPosts(subgraph: PostsSubgraph, authors: DemoAuthors): Promise<boolean> {
  if ((await subgraph.repository.countPosts()) > 0) return false;
  for (const row of solbakkenPosts(authors)) await subgraph.repository.insertPost(authors.associations.solbakken, row);
  for (const row of fjordlyPosts(authors)) await subgraph.repository.insertPost(authors.associations.fjordly, row);
  return true;
}
