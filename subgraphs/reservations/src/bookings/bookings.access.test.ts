import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { viewerIn } from '../reservations.fixtures';
import type { RuleResource } from '../rules/booking.rules';
import {
  bookingRefusalFor,
  canBook,
  canCancel,
  canExportCharges,
  canManageBookings,
  canReadBookings,
  canSeeBooker,
  canSeeBookingDetails,
  wasCancelledByBoard,
} from './bookings.access';

const X = randomUUID();
const Y = randomUUID();
const booker = viewerIn(X);
const booking = { associationId: X, bookerMemberId: booker.memberId, hideName: false };
const hidden = { ...booking, hideName: true };
const residentsOnly = ['resident', 'board'] as const;

const integrator: Viewer = {
  accountId: randomUUID(),
  associationId: X,
  memberId: null,
  role: null,
  platformAdmin: false,
  sessionId: null,
  integration: { apiKeyId: randomUUID(), scopes: ['members:read', 'members:import'] },
};
const billing: Viewer = { ...integrator, integration: { apiKeyId: randomUUID(), scopes: ['charges:read'] } };
const admin: Viewer = { accountId: randomUUID(), associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };

// For a booking in association X of a resource residents and the board may book.
const matrix: { actor: string; viewer: Viewer | null; book: boolean; manage: boolean; booker: boolean; hiddenBooker: boolean; details: boolean }[] = [
  { actor: 'anonymous', viewer: null, book: false, manage: false, booker: false, hiddenBooker: false, details: false },
  { actor: 'the booker', viewer: booker, book: true, manage: false, booker: true, hiddenBooker: true, details: true },
  { actor: 'a neighbour', viewer: viewerIn(X), book: true, manage: false, booker: true, hiddenBooker: false, details: false },
  { actor: 'an external of X', viewer: viewerIn(X, 'external'), book: true, manage: false, booker: false, hiddenBooker: false, details: false },
  { actor: 'the board of X', viewer: viewerIn(X, 'board'), book: true, manage: true, booker: true, hiddenBooker: true, details: true },
  { actor: 'the board of Y', viewer: viewerIn(Y, 'board'), book: false, manage: false, booker: false, hiddenBooker: false, details: false },
  { actor: 'a resident of Y', viewer: viewerIn(Y), book: false, manage: false, booker: false, hiddenBooker: false, details: false },
  { actor: 'an integration key of X', viewer: integrator, book: false, manage: false, booker: false, hiddenBooker: false, details: false },
  { actor: 'a platform admin', viewer: admin, book: false, manage: false, booker: false, hiddenBooker: false, details: false },
];

describe('bookings access', () => {
  it.each(matrix)(
    '$actor: book/read $book, manage $manage, sees booker $booker (hidden: $hiddenBooker), details $details',
    ({ viewer, book, manage, booker: seesBooker, hiddenBooker, details }) => {
      expect(canBook(viewer, X)).toBe(book);
      expect(canReadBookings(viewer, X)).toBe(book);
      expect(canManageBookings(viewer, X)).toBe(manage);
      expect(canSeeBooker(viewer, booking, residentsOnly)).toBe(seesBooker);
      expect(canSeeBooker(viewer, hidden, residentsOnly)).toBe(hiddenBooker);
      expect(canSeeBookingDetails(viewer, booking)).toBe(details);
    },
  );
});

describe('charges export', () => {
  it.each([
    ['anonymous', null, false],
    ['a resident', viewerIn(X), false],
    ['the board of X', viewerIn(X, 'board'), true],
    ['the board of Y', viewerIn(Y, 'board'), false],
    ['an integration key of X without charges:read', integrator, false],
    ['an integration key of X with charges:read', billing, true],
    ['an integration key of Y with charges:read', { ...billing, associationId: Y }, false],
    ['a platform admin', admin, false],
  ] as const)('%s: %s', (_actor, viewer, allowed) => {
    expect(canExportCharges(viewer, X)).toBe(allowed);
  });
});

describe('who cancelled', () => {
  const board = randomUUID();
  it.each([
    ['a rejection', { status: 'rejected', cancelledByMemberId: null }, true],
    ['a cancellation by the board', { status: 'cancelled', cancelledByMemberId: board }, true],
    ['a cancellation by the booker', { status: 'cancelled', cancelledByMemberId: booker.memberId }, false],
    ['a cancellation on moving out (by no one)', { status: 'cancelled', cancelledByMemberId: null }, false],
  ] as const)('%s is the board’s: %s', (_case, change, byBoard) => {
    expect(wasCancelledByBoard({ bookerMemberId: booker.memberId, ...change })).toBe(byBoard);
  });
});

describe('who may cancel, and book at all', () => {
  const now = new Date('2026-11-25T09:00:00Z');
  const live = (status: string, start: string, end: string) => ({ ...booking, status, during: { start: new Date(start), end: new Date(end) } });
  const tomorrow = live('confirmed', '2026-11-26T09:00:00Z', '2026-11-26T10:00:00Z');
  const started = live('confirmed', '2026-11-25T08:30:00Z', '2026-11-25T10:00:00Z');

  it('lets the booker cancel until the start and the board until the end, as cancelBooking decides', () => {
    expect(canCancel(booker, tomorrow, now)).toBe(true);
    expect(canCancel(booker, live('pending', '2026-11-26T09:00:00Z', '2026-11-26T10:00:00Z'), now)).toBe(true);
    expect(canCancel(booker, started, now)).toBe(false);
    expect(canCancel(viewerIn(X, 'board'), started, now)).toBe(true);
    expect(canCancel(viewerIn(X, 'board'), live('confirmed', '2026-11-25T07:00:00Z', '2026-11-25T08:00:00Z'), now)).toBe(false);
    expect(canCancel(booker, live('cancelled', '2026-11-26T09:00:00Z', '2026-11-26T10:00:00Z'), now)).toBe(false);
    for (const viewer of [null, viewerIn(X), viewerIn(X, 'external'), viewerIn(Y, 'board'), integrator, admin]) {
      expect(canCancel(viewer, tomorrow, now)).toBe(false);
    }
  });

  it('names why a viewer may not book a resource: not a member there, a role it does not take, archived', () => {
    const resource = { associationId: X, name: 'Gjesteleiligheten', whoMayBook: ['resident', 'board'], archivedAt: null } as unknown as RuleResource;
    expect(bookingRefusalFor(viewerIn(X), resource)).toBeNull();
    expect(bookingRefusalFor(viewerIn(X, 'external'), resource)).toBe('BOOKING_NOT_ALLOWED');
    expect(bookingRefusalFor(viewerIn(Y), resource)).toBe('BOOKING_NOT_ALLOWED');
    expect(bookingRefusalFor(integrator, resource)).toBe('BOOKING_NOT_ALLOWED');
    expect(bookingRefusalFor(null, resource)).toBe('BOOKING_NOT_ALLOWED');
    expect(bookingRefusalFor(viewerIn(X), { ...resource, archivedAt: now })).toBe('RESOURCE_ARCHIVED');
  });
});
