import { randomUUID } from 'node:crypto';
import type { MemberViewer } from '@tunet/kit';
import { DateTime } from 'luxon';
import type { NewQuota, NewResource } from './resources/resources.repository';
import type { ReservationsSubgraph } from './subgraph';

/** A member with the unit they live in, whose quotas their bookings count against. */
export interface DemoResident {
  memberId: string;
  unitId: string;
}

/** Who the demo bookings are by: three residents of different households of the association. */
export interface DemoBookers {
  association: string;
  residents: [DemoResident, DemoResident, DemoResident];
}

const id = (n: number) => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Fixed ids, so links in the demo stay the same across restarts and the loader knows it has run. */
export const DEMO_RESOURCES = {
  guestFlat: id(1),
  partyRoom: id(2),
  laundry: id(3),
  desk: id(4),
  officeSpace: id(5),
};

const ZONE = 'Europe/Oslo';
const WEEKDAYS = [1, 2, 3, 4, 5];

const GUEST_FLAT: NewResource = {
  id: DEMO_RESOURCES.guestFlat,
  name: 'Gjesteleiligheten',
  description: 'To soverom, seks sengeplasser, kjøkken og bad i 1. etasje i Blokk B. Nøkkel hentes hos vaktmester.',
  capacity: 6,
  bookingMode: 'days',
  checkInTime: '15:00',
  checkOutTime: '12:00',
  priceUnit: 'per_night',
  weekdayPrice: 35_000,
  weekendPrice: 45_000,
  deposit: 50_000,
  cancellationDeadlineHours: 7 * 24,
  lateCancellationFeePercent: 50,
  requiresRulesAcceptance: true,
  rulesText: 'Leiligheten vaskes før utsjekk. Ingen røyking, ingen dyr. Leietaker er ansvarlig for skader.',
  bookingHorizonDays: 180,
};

const GUEST_FLAT_QUOTAS: NewQuota[] = [
  { id: id(101), per: 'unit', period: 'future', periodDays: null, maxBookings: 1 },
  { id: id(102), per: 'unit', period: 'calendar_year', periodDays: null, maxBookings: 2 },
];

const PARTY_ROOM: NewResource = {
  id: DEMO_RESOURCES.partyRoom,
  name: 'Selskapslokalet',
  description: 'Fellesrommet i kjelleren i Blokk A: 40 sitteplasser, kjøkken og musikkanlegg. Ro etter kl. 23.',
  capacity: 40,
  bookingMode: 'range',
  minDurationMinutes: 2 * 60,
  maxDurationMinutes: 8 * 60,
  requiresApproval: true,
  // Cleaning after every party.
  bufferMinutes: 60,
};

const LAUNDRY: NewResource = {
  id: DEMO_RESOURCES.laundry,
  name: 'Vaskeriet',
  description: 'Fellesvaskeriet i kjelleren i Blokk B: to vaskemaskiner og en tørketrommel.',
  bookingMode: 'slots',
  // NOK 20 a slot; a slot cancelled less than a day ahead costs half, since nobody else can take it then.
  priceUnit: 'per_slot',
  weekdayPrice: 2_000,
  weekendPrice: 2_000,
  cancellationDeadlineHours: 24,
  lateCancellationFeePercent: 50,
  slots: [
    { start: '07:00', end: '10:00' },
    { start: '10:00', end: '13:00' },
    { start: '13:00', end: '16:00' },
    { start: '16:00', end: '19:00' },
    { start: '19:00', end: '22:00' },
  ],
};

const LAUNDRY_QUOTAS: NewQuota[] = [{ id: id(103), per: 'unit', period: 'future', periodDays: null, maxBookings: 2 }];

const DESK: NewResource = {
  id: DEMO_RESOURCES.desk,
  locationId: DEMO_RESOURCES.officeSpace,
  name: 'Skrivebord 1',
  description: 'Skrivebord ved vinduet med skjerm og dokkingstasjon.',
  bookingMode: 'range',
  minDurationMinutes: 60,
  maxDurationMinutes: 8 * 60,
};

/**
 * Solbakken's bookable resources — the guest flat, the party room, the laundry and a desk at the local office
 * space — and a few bookings made through the booking rules, like a resident would. Only into a database without
 * them: false when they are there already.
 */
export async function loadDemoReservations(subgraph: ReservationsSubgraph, demo: DemoBookers): Promise<boolean> {
  const tenant = demo.association;
  const repository = subgraph.resourcesRepository;
  if ((await repository.findResources(tenant, [DEMO_RESOURCES.guestFlat])).length > 0) return false;
  await repository.insertLocation(tenant, { id: DEMO_RESOURCES.officeSpace, name: 'Nærkontoret', address: 'Solbakkveien 3' });
  for (const resource of [GUEST_FLAT, PARTY_ROOM, LAUNDRY, DESK]) await repository.insertResource(tenant, resource);
  await repository.replaceQuotas(tenant, DEMO_RESOURCES.guestFlat, GUEST_FLAT_QUOTAS);
  await repository.replaceQuotas(tenant, DEMO_RESOURCES.laundry, LAUNDRY_QUOTAS);
  await repository.replaceOpeningHours(
    tenant,
    DEMO_RESOURCES.desk,
    WEEKDAYS.map((weekday) => ({ weekday, opens: '08:00', closes: '16:00' })),
  );
  await bookDemo(subgraph, demo);
  return true;
}

async function bookDemo(subgraph: ReservationsSubgraph, demo: DemoBookers): Promise<void> {
  const [first, second, third] = demo.residents;
  const today = DateTime.now().setZone(ZONE).startOf('day');
  const nextWeekday = (days: number) => {
    let day = today.plus({ days });
    while (day.weekday > 5) day = day.plus({ days: 1 });
    return day;
  };
  const at = (day: DateTime, time: string) => {
    const [hour, minute] = time.split(':').map(Number) as [number, number];
    return day.set({ hour, minute }).toJSDate();
  };
  const guestArrival = today.plus({ days: 10 });
  const wishes: { by: DemoResident; input: Record<string, unknown> }[] = [
    { by: first, input: { resourceId: DEMO_RESOURCES.laundry, start: at(today.plus({ days: 1 }), '10:00'), end: at(today.plus({ days: 1 }), '13:00') } },
    {
      by: second,
      input: {
        resourceId: DEMO_RESOURCES.guestFlat,
        start: at(guestArrival, '15:00'),
        end: at(guestArrival.plus({ days: 2 }), '12:00'),
        acceptRules: true,
        comment: 'Svigerforeldrene kommer på besøk',
      },
    },
    {
      by: third,
      input: {
        resourceId: DEMO_RESOURCES.partyRoom,
        start: at(today.plus({ days: 21 }), '18:00'),
        end: at(today.plus({ days: 21 }), '23:00'),
        nameHidden: true,
      },
    },
    { by: first, input: { resourceId: DEMO_RESOURCES.desk, start: at(nextWeekday(2), '09:00'), end: at(nextWeekday(2), '12:00') } },
  ];
  for (const wish of wishes) {
    const viewer = residentViewer(demo.association, wish.by);
    const context = subgraph.definition.createContext({ viewer, requestId: 'demo', clientIp: '127.0.0.1' });
    await context.bookings.createBooking(viewer, context.bookingLoaders, { ...wish.input, idempotencyKey: `demo-${wish.input.resourceId as string}` });
  }
}

function residentViewer(associationId: string, resident: DemoResident): MemberViewer {
  return {
    accountId: randomUUID(),
    associationId,
    memberId: resident.memberId,
    role: 'resident',
    platformAdmin: false,
    sessionId: null,
    scope: { unitIds: [resident.unitId], buildingIds: [], committeeIds: [] },
  };
}
