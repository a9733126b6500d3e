import type { PostsSubgraph } from '../subgraph';

/** The Solbakken people and committee the demo groups need; ids from the members subgraph's members.demo.ts. */
export interface DemoGroupPeople {
  solbakken: string;
  kari: string;
  ola: string;
  aase: string;
  per: string;
  ingrid: string;
  /** Festkomiteen, the party committee Per leads; null leaves its group out. */
  festkomiteen: string | null;
}

/** Ids are fixed so the demo reads the same on every machine. */
const id = (n: number) => `9a000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * Solbakken's groups: the open Hagegruppa, the closed Strikkeklubben with Per's request waiting for Åse, and a
 * group for Festkomiteen, whose members are the committee's. Hagegruppa has a post of its own.
 */
export async function loadDemoGroups(subgraph: PostsSubgraph, people: DemoGroupPeople): Promise<void> {
  const { groupsRepository: groups, repository: posts } = subgraph;
  const tenant = people.solbakken;
  const hage = await groups.insertGroup(tenant, {
    id: id(1),
    kind: 'interest',
    name: 'Hagegruppa',
    description: 'Vi steller bedene og plantekassene i bakgården. Alle er velkomne, med eller uten grønne fingre.',
    open: true,
    committeeId: null,
    createdByMemberId: people.ola,
  });
  await groups.change(tenant, hage.id, async (_group, changes) => {
    await changes.addMember(people.ingrid, 'member', null);
    await changes.addMember(people.kari, 'member', null);
  });
  const strikk = await groups.insertGroup(tenant, {
    id: id(2),
    kind: 'interest',
    name: 'Strikkeklubben',
    description: 'Strikking og kaffe i fellesrommet annenhver torsdag. Si fra om du vil bli med.',
    open: false,
    committeeId: null,
    createdByMemberId: people.aase,
  });
  await groups.change(tenant, strikk.id, async (_group, changes) => {
    await changes.addMember(people.ingrid, 'member', people.aase);
    await changes.requestToJoin(id(101), people.per);
  });
  if (people.festkomiteen) {
    await groups.insertGroup(tenant, {
      id: id(3),
      kind: 'committee',
      name: 'Festkomiteen',
      description: 'Planlegger sommerfesten og julegløggen.',
      open: false,
      committeeId: people.festkomiteen,
      createdByMemberId: people.kari,
    });
  }
  await posts.insertPost(tenant, {
    id: id(201),
    authorMemberId: people.ola,
    title: 'Planting søndag',
    body: 'Vi planter stemorsblomster i kassene ved inngangene søndag kl. 12. Ta med hansker; jord og planter er kjøpt inn.',
    audienceKind: 'group',
    audienceId: hage.id,
    // Demo posts are history, not news: only the scheduled demo post is announced (post.published) when due.
    announcedAt: new Date(),
  });
}
