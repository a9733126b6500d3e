import { loadDemoConduct } from './conduct/conduct.demo';
import type { NewPost } from './posts/posts.repository';
import type { PostsSubgraph } from './subgraph';
import { loadDemoGroups, type DemoGroupPeople } from './groups/groups.demo';
import { loadDemoEvents } from './events/events.demo';
import { loadDemoDocuments } from './documents/documents.demo';

/** Members of the members subgraph's demo associations who write the demo posts; see its members.demo.ts. */
export interface DemoAuthors {
  solbakkenBoard: string;
  solbakkenResident: string;
  fjordlyBoard: string;
  associations: { solbakken: string; fjordly: string };
  /** A Solbakken resident of Blokk B, who writes the demo article. */
  solbakkenNeighbour: string;
  /** Solbakken's Blokk A, for a building-only bulletin; null leaves that post out. */
  solbakkenBlokkA: string | null;
  /** Solbakken's members who have accepted its code of conduct, so they can post and comment. */
  solbakkenMembers: string[];
  /** Who is in Solbakken's demo groups. */
  groups: DemoGroupPeople;
}

const HOUR = 3600 * 1000;

/**
 * Ids are fixed so the demo reads the same on every machine; dates follow the load time so the feed looks fresh.
 * Posts already out count as announced, so the announcer sends post.published only for the scheduled one.
 */
const post = (n: number, authorMemberId: string, hoursAgo: number, title: string, body: string, extra: Partial<NewPost> = {}): NewPost => {
  const publishedAt = new Date(Date.now() - hoursAgo * HOUR);
  return {
    id: `d0000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    authorMemberId,
    title,
    body,
    publishedAt,
    announcedAt: hoursAgo > 0 ? publishedAt : null,
    ...extra,
  };
};

function solbakkenPosts(authors: DemoAuthors): NewPost[] {
  return [
    post(
      1,
      authors.solbakkenBoard,
      14 * 24,
      'Velkommen til Tunet',
      'Hei alle sammen! Styret har tatt i bruk Tunet for å nå alle beboere på ett sted. Her kommer nyheter fra ' +
        'styret, varsler om arbeid i blokkene og alt annet som angår borettslaget. Si gjerne fra hvis noe er uklart.',
      { kind: 'news' },
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
      'Rørleggeren bytter stoppekran i Blokk A tirsdag. Vannet er stengt i **begge blokkene** fra kl. 09 til ca. ' +
        'kl. 13. Fyll gjerne noen flasker kvelden før, og la kranene være lukket mens arbeidet pågår.',
      { kind: 'news', important: true, pinnedAt: new Date(Date.now() - 4 * HOUR) },
    ),
    ...(authors.solbakkenBlokkA ? [blokkABulletin(authors.solbakkenResident, authors.solbakkenBlokkA)] : []),
    post(
      6,
      authors.solbakkenNeighbour,
      6 * 24,
      'Slik fikk vi ny lekeplass',
      '## Fra idé til ferdig lekeplass\n\n' +
        'For to år siden var lekeplassen bak Blokk B en sandkasse og en rusten huske. I dag har vi klatrestativ, ' +
        'sklie og benker for de voksne. Her er historien om hvordan det gikk til.\n\n' +
        '### Dugnad og søknad\n\n' +
        'Vi startet med en underskriftsliste og et forslag til årsmøtet. Styret søkte om **tilskudd fra bydelen**, ' +
        'og resten ble dekket av fellesutgiftene over tre år.\n\n' +
        '### Det vi lærte\n\n' +
        '- Spør naboene tidlig, særlig de som bor nærmest.\n' +
        '- Få tilbud fra minst tre leverandører.\n' +
        '- Sett av tid til en dugnad når utstyret kommer.\n\n' +
        'Takk til alle som bidro! Les mer om tilskuddsordningen på [oslo.kommune.no](https://www.oslo.kommune.no).',
      { kind: 'article' },
    ),
    post(
      7,
      authors.solbakkenBoard,
      -36,
      'Nye avfallsdunker fra mandag',
      'Fra mandag står det egne dunker for **matavfall** og **plast** ved begge blokkene. Grønne poser går i ' +
        'matavfallet, plast skylles og legges i den gule dunken. Restavfall går som før.',
      { kind: 'news' },
    ),
  ];
}

/** A bulletin only Blokk A (and the board) sees. */
function blokkABulletin(author: string, blokkA: string): NewPost {
  return post(
    5,
    author,
    2 * 24,
    'Sykkelboden i Blokk A ryddes',
    'Sykler uten merkelapp i sykkelboden i Blokk A fjernes om to uker. Merk sykkelen din med navn og ' + 'leilighetsnummer, så får den stå.',
    { audienceKind: 'building', audienceId: blokkA },
  );
}

function fjordlyPosts(authors: DemoAuthors): NewPost[] {
  return [
    post(
      4,
      authors.fjordlyBoard,
      2 * 24,
      'Årsmøte 12. mai',
      'Årsmøtet i Fjordly sameie holdes 12. mai kl. 18 i fellesrommet. Forslag som skal behandles må være ' + 'styret i hende innen 28. april.',
    ),
  ];
}

/** Loads the demo posts unless any post exists. Returns whether it loaded them. */
export async function loadDemoPosts(subgraph: PostsSubgraph, authors: DemoAuthors): Promise<boolean> {
  if ((await subgraph.repository.countPosts()) > 0) return false;
  for (const row of solbakkenPosts(authors)) await subgraph.repository.insertPost(authors.associations.solbakken, row);
  for (const row of fjordlyPosts(authors)) await subgraph.repository.insertPost(authors.associations.fjordly, row);
  await loadDemoGroups(subgraph, authors.groups);
  await loadDemoEvents(subgraph, authors);
  await loadDemoConduct(subgraph, { association: authors.associations.solbakken, publishedBy: authors.solbakkenBoard, acceptedBy: authors.solbakkenMembers });
  await loadDemoDocuments(subgraph, { association: authors.associations.solbakken, boardMemberId: authors.solbakkenBoard });
  return true;
}
