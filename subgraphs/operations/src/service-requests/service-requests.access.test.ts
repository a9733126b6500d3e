import type { Viewer } from '@tunet/kit';
import type { ServiceRequestStatus } from '../tables';
import {
  canChangeStatus,
  canChangeVisibility,
  canLinkBooking,
  canListAll,
  canReport,
  canSeeRequest,
  canSeeRequestDetails,
  isBooker,
  type AssignmentFacts,
  type RequestFacts,
} from './service-requests.access';
import { STATUSES } from './service-requests.rules';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const BLOKK_A = '00000000-0000-4000-8000-0000000000ba';
const BLOKK_B = '00000000-0000-4000-8000-0000000000bb';
const member = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;
const base: Viewer = { accountId: member(0), associationId: A, memberId: member(1), role: 'resident', platformAdmin: false, sessionId: null };
const reporter: Viewer = { ...base, scope: { unitIds: [], buildingIds: [BLOKK_A], committeeIds: [] } };
const neighbour: Viewer = { ...base, memberId: member(2), scope: { unitIds: [], buildingIds: [BLOKK_A], committeeIds: [] } };
const otherBuilding: Viewer = { ...base, memberId: member(3), scope: { unitIds: [], buildingIds: [BLOKK_B], committeeIds: [] } };
const board: Viewer = { ...base, memberId: member(4), role: 'board' };
const caretaker: Viewer = { ...base, memberId: member(5), role: 'external' };
const otherBoard: Viewer = { ...board, associationId: B };
const integration: Viewer = { ...base, role: null, memberId: null, integration: { apiKeyId: member(6), scopes: ['members:read'] } };
const operator: Viewer = { ...base, memberId: null, role: null, platformAdmin: true, support: { expiresAt: '2026-12-07T12:00:00Z' } };
const operatorOutside: Viewer = { ...operator, associationId: null, support: null };

const unitRequest: RequestFacts & AssignmentFacts = {
  associationId: A,
  reporterMemberId: member(1),
  locationKind: 'unit',
  buildingId: BLOKK_A,
  visibleToResidents: false,
  assigneeMemberId: null,
};
const shownInBlokkA = { ...unitRequest, locationKind: 'common_area' as const, visibleToResidents: true };

describe('who sees a service request', () => {
  it('the board, its reporter and an operator in a support session; no neighbour, caretaker, integration or other association', () => {
    const seeing = [reporter, neighbour, otherBuilding, board, caretaker, otherBoard, integration, operator, operatorOutside, null].map((v) =>
      canSeeRequest(v, unitRequest),
    );
    expect(seeing).toEqual([true, false, false, true, false, false, false, true, false, false]);
  });

  it('the residents of the building, once shown as already reported, without who reported it or the history', () => {
    expect(canSeeRequest(neighbour, shownInBlokkA)).toBe(true);
    expect(canSeeRequestDetails(neighbour, shownInBlokkA)).toBe(false);
    expect(canSeeRequest(otherBuilding, shownInBlokkA)).toBe(false);
    expect(canSeeRequest(caretaker, shownInBlokkA)).toBe(false);
    expect(canSeeRequest(otherBuilding, { ...shownInBlokkA, buildingId: null })).toBe(true);
    expect(canSeeRequest(neighbour, { ...shownInBlokkA, visibleToResidents: false })).toBe(false);
    // A unit's request is never shown, even if a row said so.
    expect(canSeeRequest(neighbour, { ...unitRequest, visibleToResidents: true })).toBe(false);
  });

  it('the assignee through the seam assignment fills, and only while assigned', () => {
    expect(canSeeRequest(caretaker, { ...unitRequest, assigneeMemberId: member(5) })).toBe(true);
    expect(canSeeRequestDetails(caretaker, { ...unitRequest, assigneeMemberId: member(5) })).toBe(true);
    expect(canSeeRequest(caretaker, { ...unitRequest, assigneeMemberId: member(4) })).toBe(false);
  });

  it('lists everything for the board and an operator in a support session only', () => {
    expect([board, operator, reporter, caretaker, integration, otherBoard, operatorOutside].map((v) => canListAll(v, A))).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('is reported by residents and the board, not the caretaker, an integration or an operator', () => {
    expect([reporter, board, caretaker, integration, operator, otherBoard, null].map((v) => canReport(v, A))).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('who moves a service request', () => {
  const everyPair = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as [ServiceRequestStatus, ServiceRequestStatus]));

  it('the board any change (the workflow decides which exist); an operator, integration or other board none', () => {
    for (const [from, to] of everyPair) {
      expect(canChangeStatus(board, unitRequest, from, to)).toBe(true);
      expect(canChangeStatus(operator, unitRequest, from, to)).toBe(false);
      expect(canChangeStatus(integration, unitRequest, from, to)).toBe(false);
      expect(canChangeStatus(otherBoard, unitRequest, from, to)).toBe(false);
    }
  });

  it('the reporter only reopens or closes a resolved request', () => {
    const allowed = everyPair.filter(([from, to]) => canChangeStatus(reporter, unitRequest, from, to)).map((pair) => pair.join('>'));
    expect(allowed).toEqual(['resolved>in_progress', 'resolved>closed']);
    expect(everyPair.some(([from, to]) => canChangeStatus(neighbour, shownInBlokkA, from, to))).toBe(false);
  });

  it('the assignee what assignment allows, nothing by default and nothing unassigned', () => {
    const assigned = { ...unitRequest, assigneeMemberId: member(5) };
    expect(everyPair.some(([from, to]) => canChangeStatus(caretaker, assigned, from, to))).toBe(false);
    const mayWork = (to: ServiceRequestStatus) => to === 'in_progress' || to === 'resolved';
    expect(canChangeStatus(caretaker, assigned, 'acknowledged', 'in_progress', mayWork)).toBe(true);
    expect(canChangeStatus(caretaker, assigned, 'new', 'rejected', mayWork)).toBe(false);
    expect(canChangeStatus(caretaker, unitRequest, 'acknowledged', 'in_progress', mayWork)).toBe(false);
  });

  it('shows it to residents: the board or the reporter, not an operator or a neighbour', () => {
    expect([board, reporter, neighbour, operator, caretaker].map((v) => canChangeVisibility(v, shownInBlokkA))).toEqual([true, true, false, false, false]);
  });
});

describe('a request linked to a booking (decision 0041 addendum "links")', () => {
  // The neighbour booked the party room; the request is about the party room, not shown to residents.
  const partyRoom = { ...unitRequest, locationKind: 'common_area' as const };
  const linked = { ...partyRoom, bookerMemberId: member(2) };

  it('lets the booker see the request, not its details; nobody else gains anything from the link', () => {
    expect(isBooker(neighbour, linked)).toBe(true);
    expect(canSeeRequest(neighbour, linked)).toBe(true);
    expect(canSeeRequestDetails(neighbour, linked)).toBe(false);
    expect(canChangeStatus(neighbour, linked, 'new', 'acknowledged')).toBe(false);
    expect(canChangeVisibility(neighbour, linked)).toBe(false);
    for (const viewer of [otherBuilding, caretaker, integration, { ...neighbour, associationId: B }]) {
      expect(canSeeRequest(viewer, linked)).toBe(false);
    }
    expect(isBooker(neighbour, partyRoom)).toBe(false);
    expect(canSeeRequest(neighbour, { ...linked, bookerMemberId: null })).toBe(false);
    // A request about someone's home is never shown to another resident, a booker included (linking one is refused).
    expect(canSeeRequest(neighbour, { ...unitRequest, bookerMemberId: member(2) })).toBe(false);
  });

  it('lets only the board link and unlink, not an operator in a support session', () => {
    expect(canLinkBooking(board, A)).toBe(true);
    for (const viewer of [reporter, neighbour, caretaker, otherBoard, integration, operator, operatorOutside, null]) {
      expect(canLinkBooking(viewer, A)).toBe(false);
    }
  });
});
