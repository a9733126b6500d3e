import { currentVersion, termsToday } from './terms/terms.rules';
import type { CommitteeTermRow } from './committees/committees.repository';
import type { TenureRow } from './housing/housing.repository';
import type { MembersSubgraph } from './subgraph';

/**
 * The demo data `npm start` loads on first start: Solbakken borettslag with two buildings, five units, a board
 * with terms, households, a party committee, a caretaker and a former resident; and Fjordly sameie as a second
 * tenant. Ids are fixed so other subgraphs' demo data can refer to these members.
 */
export const DEMO_PASSWORD = 'solbakken-demo';

const id = (prefix: string, n: number) => `${prefix}0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const DEMO = {
  solbakken: id('a', 1),
  fjordly: id('a', 2),
  kari: id('b', 1),
  ola: id('b', 2),
  aase: id('b', 3),
  per: id('b', 4),
  jonas: id('b', 5),
  eva: id('b', 6),
  ingrid: id('b', 7),
  former: id('b', 8),
  /** The demo platform operator's account: no membership anywhere (docs/decisions/0030). */
  operator: id('9', 1),
} as const;

/** The demo platform operator's login e-mail; the password is DEMO_PASSWORD like everyone's. */
export const DEMO_OPERATOR_EMAIL = 'operator@tunet.example';

interface DemoPerson {
  id: string;
  name: string;
  email: string;
  externalTitle?: string;
  hideName?: boolean;
  /** Unit number and relation of the person's tenure, if they live there. */
  home?: { unit: string; relation: TenureRow['relation']; moveIn: string; moveOut?: string };
  seats?: { committee: string; role: CommitteeTermRow['role']; from: string }[];
}

interface DemoAssociation {
  id: string;
  name: string;
  orgNumber: string;
  address: { street: string; postalCode: string; city: string };
  buildings: { name: string; street: string; units: { number: string; share: string; floor: number; size: number }[] }[];
  committees: { name: string; kind: 'board' | 'party' }[];
  people: DemoPerson[];
}

const SOLBAKKEN: DemoAssociation = {
  id: DEMO.solbakken,
  name: 'Solbakken borettslag',
  orgNumber: '987654325',
  address: { street: 'Solbakkveien 1', postalCode: '0871', city: 'Oslo' },
  buildings: [
    {
      name: 'Blokk A',
      street: 'Solbakkveien 1',
      units: [
        { number: 'H0101', share: '1', floor: 1, size: 54 },
        { number: 'H0102', share: '2', floor: 1, size: 72 },
        { number: 'H0201', share: '3', floor: 2, size: 72 },
      ],
    },
    {
      name: 'Blokk B',
      street: 'Solbakkveien 3',
      units: [
        { number: 'H0101', share: '4', floor: 1, size: 61 },
        { number: 'H0102', share: '5', floor: 1, size: 88 },
      ],
    },
  ],
  committees: [
    { name: 'Styret', kind: 'board' },
    { name: 'Festkomiteen', kind: 'party' },
  ],
  people: [
    {
      id: DEMO.kari,
      name: 'Kari Nordmann',
      email: 'kari@solbakken.example',
      home: { unit: 'Blokk A H0201', relation: 'owner', moveIn: '2016-05-01' },
      seats: [{ committee: 'Styret', role: 'leader', from: '2024-06-01' }],
    },
    { id: DEMO.ola, name: 'Ola Hansen', email: 'ola@solbakken.example', home: { unit: 'Blokk A H0101', relation: 'owner', moveIn: '2019-08-15' } },
    { id: DEMO.ingrid, name: 'Ingrid Hansen', email: 'ingrid@solbakken.example', home: { unit: 'Blokk A H0101', relation: 'co_owner', moveIn: '2019-08-15' } },
    {
      id: DEMO.aase,
      name: 'Åse Berg',
      email: 'aase@solbakken.example',
      hideName: true,
      home: { unit: 'Blokk B H0101', relation: 'tenant', moveIn: '2023-01-01' },
    },
    {
      id: DEMO.per,
      name: 'Per Ødegård',
      email: 'per@solbakken.example',
      home: { unit: 'Blokk B H0102', relation: 'owner', moveIn: '2012-03-01' },
      seats: [{ committee: 'Festkomiteen', role: 'leader', from: '2025-01-01' }],
    },
    { id: DEMO.jonas, name: 'Jonas Lie', email: 'jonas@solbakken.example', externalTitle: 'Vaktmester' },
    {
      id: DEMO.former,
      name: 'Tidligere Beboer',
      email: 'tidligere@solbakken.example',
      home: { unit: 'Blokk A H0102', relation: 'owner', moveIn: '2010-01-01', moveOut: '2024-12-31' },
    },
  ],
};

const FJORDLY: DemoAssociation = {
  id: DEMO.fjordly,
  name: 'Fjordly sameie',
  orgNumber: '920000010',
  address: { street: 'Fjordveien 10', postalCode: '5003', city: 'Bergen' },
  buildings: [{ name: 'Hovedbygget', street: 'Fjordveien 10', units: [{ number: 'H0101', share: '1', floor: 1, size: 90 }] }],
  committees: [{ name: 'Styret', kind: 'board' }],
  people: [
    {
      id: DEMO.eva,
      name: 'Eva Fjeld',
      email: 'eva@fjordly.example',
      home: { unit: 'Hovedbygget H0101', relation: 'owner', moveIn: '2020-02-01' },
      seats: [{ committee: 'Styret', role: 'leader', from: '2023-06-01' }],
    },
  ],
};

/** Loads the demo associations unless any association exists. Returns whether it loaded them. */
export async function loadDemoData(subgraph: MembersSubgraph): Promise<boolean> {
  if ((await subgraph.repositories.members.countAssociations()) > 0) return false;
  // Entity keys are ids alone, so ids must be unique across associations: each gets its own range.
  for (const [index, association] of [SOLBAKKEN, FJORDLY].entries()) await createDemoAssociation(subgraph, association, index * 1000);
  const operator = await subgraph.auth.createAccount(DEMO_OPERATOR_EMAIL, DEMO_PASSWORD, true, DEMO.operator);
  // Onboarded as createAssociation would: each board accepted the terms in effect, in writing, recorded by the operator.
  const inEffect = currentVersion(await subgraph.repositories.terms.versions(), termsToday(new Date()));
  for (const association of [SOLBAKKEN, FJORDLY]) {
    const chair = association.people.find((person) => person.seats?.some((seat) => seat.committee === 'Styret'));
    const acceptance = { version: inEffect!.version, acceptedByName: chair?.name ?? association.name, recordedByAccountId: operator };
    await subgraph.repositories.terms.accept(association.id, acceptance);
  }
  return true;
}

async function createDemoAssociation(subgraph: MembersSubgraph, demo: DemoAssociation, firstSerial: number): Promise<void> {
  const tenant = demo.id;
  const { members: repository, housing, committees } = subgraph.repositories;
  await repository.insertAssociation({
    id: tenant,
    name: demo.name,
    orgNumber: demo.orgNumber,
    streetAddress: demo.address.street,
    postalCode: demo.address.postalCode,
    city: demo.address.city,
    contactEmail: `styret@${demo.name.split(' ')[0]!.toLowerCase()}.example`,
    timeZone: 'Europe/Oslo',
    locale: 'nb',
  });
  const unitIds = new Map<string, string>();
  let serial = firstSerial;
  for (const building of demo.buildings) {
    const { id: buildingId } = await housing.insertBuilding(tenant, { id: id('c', ++serial), name: building.name, streetAddress: building.street });
    for (const unit of building.units) {
      const row = await housing.insertUnit(tenant, {
        id: id('d', ++serial),
        buildingId,
        number: unit.number,
        shareNumber: unit.share,
        floor: unit.floor,
        sizeSqm: unit.size,
      });
      unitIds.set(`${building.name} ${unit.number}`, row.id);
    }
  }
  const committeeIds = new Map<string, string>();
  for (const committee of demo.committees) {
    committeeIds.set(committee.name, (await committees.insertCommittee(tenant, { id: id('e', ++serial), ...committee })).id);
  }
  const people = [];
  for (const person of demo.people) {
    people.push({
      id: person.id,
      accountId: await subgraph.auth.createAccount(person.email, DEMO_PASSWORD),
      displayName: person.name,
      email: person.email,
      externalTitle: person.externalTitle ?? null,
      hideName: person.hideName ?? false,
    });
  }
  await repository.insertMembers(tenant, people);
  for (const person of demo.people) {
    if (person.home) {
      const { unit, ...tenure } = person.home;
      // Seeded history, not news: no other subgraph has anything of these people to end.
      await housing.insertTenure(tenant, { id: id('f', ++serial), memberId: person.id, unitId: unitIds.get(unit)!, ...tenure }, () => []);
    }
    for (const seat of person.seats ?? []) {
      await committees.insertTerm(tenant, {
        id: id('f', ++serial),
        committeeId: committeeIds.get(seat.committee)!,
        memberId: person.id,
        role: seat.role,
        termFrom: seat.from,
      });
    }
  }
}
