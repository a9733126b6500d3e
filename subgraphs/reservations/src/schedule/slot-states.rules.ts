import type { TimeRange } from '../tables';
import { bookableStarts, nights, unblockedCheck, type AvailabilityInput } from './availability';
import { contains, localDays, openingIntervals, overlaps, slotsOn } from './schedule';

/** How a slot stands for the viewer (GraphQL SlotState). */
export type SlotState = 'FREE' | 'TAKEN' | 'MINE' | 'CLOSED' | 'PAST';

/** A live booking as the grid sees it: its time, what it blocks, and whether it is the viewer's household's. */
export interface GridBooking {
  during: TimeRange;
  blocked: TimeRange;
  mine: boolean;
  /** The booking's id where the viewer booked it themselves; null for anyone else's, a household member's included. */
  ownId: string | null;
}

export interface GridSlot extends TimeRange {
  state: SlotState;
  bookingId: string | null;
}

export interface GridInput extends Omit<AvailabilityInput, 'blocked'> {
  bookings: GridBooking[];
  archived: boolean;
}

const slot = (range: TimeRange, state: SlotState, bookingId: string | null = null): GridSlot => ({ ...range, state, bookingId });

/**
 * Every slot (SLOTS) or night (DAYS) starting in the window with its state, or (RANGE) the window cut into stretches
 * of one state each. A booking's time is MINE or TAKEN before anything else, so a grid shows past bookings too; a
 * buffer after a booking is TAKEN. FREE slots are exactly what `freeTimes` offers (availability.test.ts holds the two
 * equal), unless the resource is archived, when nothing is. Pure: the clock comes in `now`.
 */
export function slotGrid(input: GridInput): GridSlot[] {
  const { resource, window } = input;
  switch (resource.bookingMode) {
    case 'slots':
      return candidateStates(
        input,
        localDays(window, resource.timeZone).flatMap((day) => slotsOn(resource, day)),
        true,
      );
    case 'days':
      return candidateStates(input, nights(resource, window), false);
    case 'range':
      return stretches(input);
  }
}

function candidateStates(input: GridInput, candidates: TimeRange[], withinHours: boolean): GridSlot[] {
  const { resource, hours, closed, bookings, window, now, archived } = input;
  const { earliest, latest, end } = bookableStarts(resource, now);
  const inWindow = candidates.filter((c) => c.start >= window.start && c.start < window.end);
  if (inWindow.length === 0) return [];
  const open = withinHours && hours.length > 0 ? openingIntervals(hours, resource.timeZone, window) : null;
  const isUnblocked = unblockedCheck(
    bookings.map((b) => b.blocked),
    resource.bufferMinutes,
  );
  const holderOf = holderFinder(bookings);
  return inWindow.map((candidate) => {
    const holder = holderOf(candidate);
    if (holder?.mine) return slot(candidate, 'MINE', holder.ownId);
    if (holder || !isUnblocked(candidate)) return slot(candidate, 'TAKEN');
    if (candidate.start < now) return slot(candidate, 'PAST');
    const bookable =
      !archived &&
      candidate.start >= earliest &&
      (latest === null || candidate.start <= latest) &&
      candidate.end <= end &&
      (open === null || open.some((interval) => contains(interval, candidate))) &&
      !closed.some((period) => overlaps(period.during, candidate));
    return slot(candidate, bookable ? 'FREE' : 'CLOSED');
  });
}

/**
 * The booking whose time overlaps a candidate. Live bookings never overlap each other, so sorted by start they are
 * sorted by end too, and a binary search finds the only one that can: a month view stays one pass, not slots × bookings.
 */
function holderFinder(bookings: GridBooking[]): (candidate: TimeRange) => GridBooking | undefined {
  const sorted = [...bookings].sort((a, b) => a.during.start.getTime() - b.during.start.getTime());
  return (candidate) => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle]!.during.end <= candidate.start) low = middle + 1;
      else high = middle;
    }
    const holder = sorted[low];
    return holder && overlaps(holder.during, candidate) ? holder : undefined;
  };
}

/** RANGE mode: the window cut wherever a state may change, each piece judged at its start, equal neighbours joined. */
function stretches(input: GridInput): GridSlot[] {
  const { resource, hours, closed, bookings, window, now, archived } = input;
  const { earliest, latest, end } = bookableStarts(resource, now);
  const open = openingIntervals(hours, resource.timeZone, window);
  const edges = [
    now,
    earliest,
    ...(latest ? [latest] : []),
    end,
    ...open.flatMap((r) => [r.start, r.end]),
    ...closed.flatMap((p) => [p.during.start, p.during.end]),
    ...bookings.flatMap((b) => [b.during.start, b.during.end, b.blocked.end]),
  ].filter((at) => at > window.start && at < window.end);
  const cuts = [...new Set([window.start, ...edges, window.end].map((at) => at.getTime()))].sort((a, b) => a - b);
  const within = (range: TimeRange, at: number) => range.start.getTime() <= at && at < range.end.getTime();
  const stateAt = (at: number): { state: SlotState; bookingId: string | null } => {
    const holder = bookings.find((b) => within(b.during, at));
    if (holder) return holder.mine ? { state: 'MINE', bookingId: holder.ownId } : { state: 'TAKEN', bookingId: null };
    if (bookings.some((b) => within(b.blocked, at))) return { state: 'TAKEN', bookingId: null };
    if (at < now.getTime()) return { state: 'PAST', bookingId: null };
    const bookable =
      !archived &&
      at >= earliest.getTime() &&
      (latest === null || at < latest.getTime()) &&
      at < end.getTime() &&
      open.some((interval) => within(interval, at)) &&
      !closed.some((period) => within(period.during, at));
    return { state: bookable ? 'FREE' : 'CLOSED', bookingId: null };
  };
  const grid: GridSlot[] = [];
  for (let i = 0; i < cuts.length - 1; i++) {
    const { state, bookingId } = stateAt(cuts[i]!);
    const last = grid[grid.length - 1];
    if (last && last.state === state && last.bookingId === bookingId) last.end = new Date(cuts[i + 1]!);
    else grid.push(slot({ start: new Date(cuts[i]!), end: new Date(cuts[i + 1]!) }, state, bookingId));
  }
  return grid;
}
