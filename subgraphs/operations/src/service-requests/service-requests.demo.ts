import type { SubgraphDatabase } from '@tunet/kit';
import type { LocationKind, ServiceRequestCategory, ServiceRequestStatus, UrgentReason } from '../tables';
import { ServiceRequestsRepository, type Actor, type NewServiceRequest } from './service-requests.repository';
import { checkTransition, timestampsFor } from './service-requests.rules';

/** Who the demo's requests are from: residents with the unit they live in and its building, and the board member. */
export interface DemoServiceRequests {
  association: string;
  board: string;
  ola: { memberId: string; unitId: string; buildingId: string };
  aase: { memberId: string; unitId: string; buildingId: string };
}

interface DemoRequest {
  reporter: 'ola' | 'aase';
  category: ServiceRequestCategory;
  location: { kind: LocationKind; building?: boolean; place?: string };
  title: string;
  description: string;
  urgentReason?: UrgentReason;
  visibleToResidents?: boolean;
  /** Days before now it was reported, then each change: [status, days before now, reason, by the reporter]. */
  reportedDaysAgo: number;
  changes: [ServiceRequestStatus, number, string | null, boolean?][];
}

const DAY_MS = 24 * 60 * 60 * 1000;

const REQUESTS: DemoRequest[] = [
  {
    reporter: 'ola',
    category: 'plumbing',
    location: { kind: 'unit' },
    title: 'Lekker under kjøkkenvasken',
    description: 'Det drypper fra avløpsrøret under kjøkkenvasken. Har satt en bøtte under, men skapbunnen er allerede våt.',
    urgentReason: 'water_leak',
    reportedDaysAgo: 2,
    changes: [
      ['acknowledged', 2, null],
      ['in_progress', 1, null],
    ],
  },
  {
    reporter: 'aase',
    category: 'common_areas',
    location: { kind: 'common_area', building: true, place: 'Vaskeriet i kjelleren' },
    title: 'Tørketrommel nr. 2 stopper',
    description: 'Tørketrommel nr. 2 stopper etter et par minutter og viser feilkode E21.',
    visibleToResidents: true,
    reportedDaysAgo: 9,
    changes: [],
  },
  {
    reporter: 'aase',
    category: 'heating_ventilation',
    location: { kind: 'unit' },
    title: 'Kald radiator på soverommet',
    description: 'Radiatoren på soverommet blir ikke varm, selv på høyeste trinn. De andre virker.',
    reportedDaysAgo: 6,
    changes: [
      ['acknowledged', 6, null],
      ['in_progress', 5, null],
      ['waiting', 4, null],
    ],
  },
  {
    reporter: 'ola',
    category: 'outdoor',
    location: { kind: 'common_area', place: 'Sykkelboden' },
    title: 'Lyset ved sykkelboden er gått',
    description: 'Lampen over døra til sykkelboden lyser ikke, og det er helt mørkt der om kvelden.',
    visibleToResidents: true,
    reportedDaysAgo: 12,
    changes: [
      ['acknowledged', 11, null],
      ['in_progress', 10, null],
      ['resolved', 3, null],
    ],
  },
  {
    reporter: 'ola',
    category: 'security_locks',
    location: { kind: 'building' },
    title: 'Ytterdøra går ikke i lås',
    description: 'Ytterdøra i oppgangen glir opp igjen og går ikke i lås av seg selv.',
    reportedDaysAgo: 40,
    changes: [
      ['acknowledged', 40, null],
      ['in_progress', 39, null],
      ['resolved', 35, null],
      ['closed', 34, null, true],
    ],
  },
  {
    reporter: 'ola',
    category: 'electrical',
    location: { kind: 'unit' },
    title: 'Ringeklokka virker ikke',
    description: 'Det kommer ingen lyd når noen ringer på nede ved inngangen.',
    reportedDaysAgo: 1,
    changes: [['acknowledged', 0.5, null]],
  },
  {
    reporter: 'aase',
    category: 'other',
    location: { kind: 'unit' },
    title: 'Ønsker ny postkasse',
    description: 'Postkassa mi er bulkete og vanskelig å låse. Kan borettslaget bytte den?',
    reportedDaysAgo: 20,
    changes: [['rejected', 19, 'Postkassen er beboerens eget ansvar etter vedtektene. Styret kan gi navn på leverandøren.']],
  },
];

/**
 * Solbakken's service requests in every status (decision 0041): a water leak in progress, an already-reported
 * laundry fault nobody has acknowledged for nine days, a doorbell acknowledged, a radiator waiting for parts, a resolved outdoor light the
 * reporter may still reopen, a closed front door and a rejected letterbox, each with its history. Does nothing when
 * the association has requests already.
 */
export async function loadDemoServiceRequests(db: SubgraphDatabase, demo: DemoServiceRequests, now = new Date()): Promise<boolean> {
  const repository = new ServiceRequestsRepository(db);
  if ((await repository.list(demo.association, { kind: 'all' }, null, null, 1, now)).length > 0) return false;
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  for (const request of REQUESTS) {
    const reporter = demo[request.reporter];
    const row: NewServiceRequest = {
      associationId: demo.association,
      reporterMemberId: reporter.memberId,
      category: request.category,
      locationKind: request.location.kind,
      unitId: request.location.kind === 'unit' ? reporter.unitId : null,
      buildingId: request.location.kind === 'unit' || request.location.building || request.location.kind === 'building' ? reporter.buildingId : null,
      place: request.location.place ?? null,
      title: request.title,
      description: request.description,
      urgency: request.urgentReason ? 'urgent' : 'normal',
      urgentReason: request.urgentReason ?? null,
      visibleToResidents: request.visibleToResidents ?? false,
    };
    const reported = await repository.report(row, { kind: 'member', memberId: reporter.memberId }, ago(request.reportedDaysAgo));
    for (const [to, daysAgo, reason, byReporter] of request.changes) {
      const at = ago(daysAgo);
      const actor: Actor = { kind: 'member', memberId: byReporter ? reporter.memberId : demo.board };
      await repository.changeStatus(
        demo.association,
        reported.id,
        actor,
        (current) => {
          const checked = checkTransition({ from: current.status, to, reason }, current.resolvedAt, at);
          return {
            to,
            reason: checked,
            rejectionReason: to === 'rejected' ? checked : null,
            timestamps: timestampsFor(to, current, at),
            events: [],
          };
        },
        at,
      );
    }
  }
  return true;
}
