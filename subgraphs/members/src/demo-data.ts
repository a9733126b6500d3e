import type { NewMember, NewUnit } from './members/members.repository';
import type { MembersSubgraph } from './subgraph';

/**
 * The demo association that `npm start` loads on first start: Solbakken borettslag with two buildings, a board,
 * residents and a caretaker, plus a second association (Fjordly sameie) to show that tenants are kept apart.
 * Ids are fixed so other subgraphs' demo data can refer to these members.
 */
export const DEMO_PASSWORD = 'solbakken-demo';

export const DEMO = {
  solbakken: 'a0000000-0000-4000-8000-000000000001',
  fjordly: 'a0000000-0000-4000-8000-000000000002',
  kari: 'b0000000-0000-4000-8000-000000000001',
  ola: 'b0000000-0000-4000-8000-000000000002',
  aase: 'b0000000-0000-4000-8000-000000000003',
  per: 'b0000000-0000-4000-8000-000000000004',
  jonas: 'b0000000-0000-4000-8000-000000000005',
  eva: 'b0000000-0000-4000-8000-000000000006',
} as const;

const unit = (association: string, n: number, building: string, number: string): NewUnit => ({
  associationId: association,
  id: `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  building,
  number,
});

const SOLBAKKEN_UNITS = [
  unit(DEMO.solbakken, 1, 'Blokk A', 'H0101'),
  unit(DEMO.solbakken, 2, 'Blokk A', 'H0102'),
  unit(DEMO.solbakken, 3, 'Blokk A', 'H0201'),
  unit(DEMO.solbakken, 4, 'Blokk B', 'H0101'),
  unit(DEMO.solbakken, 5, 'Blokk B', 'H0102'),
];
const FJORDLY_UNITS = [unit(DEMO.fjordly, 6, 'Hovedbygget', 'H0101')];

interface DemoPerson {
  id: string;
  name: string;
  email: string;
  role: NewMember['role'];
  unitId: string | null;
}

const SOLBAKKEN_PEOPLE: DemoPerson[] = [
  { id: DEMO.kari, name: 'Kari Nordmann', email: 'kari@solbakken.example', role: 'board', unitId: SOLBAKKEN_UNITS[2]!.id },
  { id: DEMO.ola, name: 'Ola Hansen', email: 'ola@solbakken.example', role: 'resident', unitId: SOLBAKKEN_UNITS[0]!.id },
  { id: DEMO.aase, name: 'Åse Berg', email: 'aase@solbakken.example', role: 'resident', unitId: SOLBAKKEN_UNITS[3]!.id },
  { id: DEMO.per, name: 'Per Ødegård', email: 'per@solbakken.example', role: 'resident', unitId: SOLBAKKEN_UNITS[4]!.id },
  { id: DEMO.jonas, name: 'Jonas Lie (vaktmester)', email: 'jonas@solbakken.example', role: 'external', unitId: null },
];
const FJORDLY_PEOPLE: DemoPerson[] = [
  { id: DEMO.eva, name: 'Eva Fjeld', email: 'eva@fjordly.example', role: 'board', unitId: FJORDLY_UNITS[0]!.id },
];

/** Loads the demo associations unless any association exists. Returns whether it loaded them. */
export async function loadDemoData(subgraph: MembersSubgraph): Promise<boolean> {
  if ((await subgraph.repository.countAssociations()) > 0) return false;
  await createDemoAssociation(subgraph, DEMO.solbakken, 'Solbakken borettslag', SOLBAKKEN_UNITS, SOLBAKKEN_PEOPLE);
  await createDemoAssociation(subgraph, DEMO.fjordly, 'Fjordly sameie', FJORDLY_UNITS, FJORDLY_PEOPLE);
  return true;
}

async function createDemoAssociation(
  subgraph: MembersSubgraph,
  id: string,
  name: string,
  units: NewUnit[],
  people: DemoPerson[],
): Promise<void> {
  const members: NewMember[] = [];
  for (const person of people) {
    const accountId = await subgraph.auth.createAccount(person.email, DEMO_PASSWORD);
    members.push({
      associationId: id,
      id: person.id,
      accountId,
      displayName: person.name,
      email: person.email,
      role: person.role,
      unitId: person.unitId,
    });
  }
  await subgraph.repository.createAssociation({ id, name, timeZone: 'Europe/Oslo', locale: 'nb' }, units, members);
}
