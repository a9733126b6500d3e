import { randomUUID } from 'node:crypto';
import {
  admitMember,
  badUserInput,
  decodeCursor,
  isUuid,
  notFound,
  pageSize,
  parseInput,
  refuse,
  refusedRule,
  toPage,
  unauthenticated,
  type Announcement,
  type DueReminders,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { NO_RESTRICTIONS, type Restrictions } from '../privacy/restrictions';
import { processingRestricted } from '../posts/posts.service';
import { canManageEvents, canReadEvents, canSeeAllSignups, canSignUpForEvents } from './events.access';
import type { EventsLoaders } from './events.loaders';
import type { EventListPosition, EventRow, EventsRepository, LateReminder, SignupRow, SignupRule } from './events.repository';
import {
  changeClosedReason,
  closedReason,
  fitsAfterChange,
  placeFor,
  promotions,
  seatsLeft,
  seatsOf,
  signUpClosesAt,
  signUpReason,
  waitlist,
  type SignUpReason,
} from './events.seating';
import { lateReminder, reminderOf } from './events.reminders';

/** GraphQL defaults apply only over HTTP; callers in code may leave optional fields out. */
const orDefault = <T extends z.ZodType, D>(schema: T, fallback: D) => schema.nullish().transform((value) => value ?? fallback);

const createEventInput = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: orDefault(z.string().trim().max(20_000), ''),
    place: orDefault(z.string().trim().max(200), ''),
    startsAt: z.date(),
    endsAt: z.date(),
    capacity: orDefault(z.number().int().min(1).max(100_000), null),
    signupDeadline: orDefault(z.date(), null),
    maxGuestsPerSignup: orDefault(z.number().int().min(0).max(50), 0),
    pricePerAdult: orDefault(z.number().int().min(0).max(100_000_000), 0),
    pricePerChild: orDefault(z.number().int().min(0).max(100_000_000), 0),
  })
  .superRefine((input, ctx) => {
    if (input.endsAt < input.startsAt)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must not be before startsAt', params: { reason: 'END_BEFORE_START', start: 'startsAt' } });
    if (input.signupDeadline && input.signupDeadline > input.startsAt) {
      ctx.addIssue({ code: 'custom', path: ['signupDeadline'], message: 'must not be after startsAt' });
    }
  });

const cancelEventInput = z.object({ eventId: z.string(), reason: z.string().trim().min(1).max(1000) });

const signUpInput = z.object({
  eventId: z.string(),
  adults: orDefault(z.number().int().min(1).max(100), 1),
  children: orDefault(z.number().int().min(0).max(100), 0),
});

/** A change sends the whole party: a default here would silently reset the field a client left out. */
const changeSignupInput = z.object({
  eventId: z.string(),
  adults: z.number().int().min(1).max(100),
  children: z.number().int().min(0).max(100),
});

const cancelSignupInput = z.object({ eventId: z.string() });

/**
 * Posts does not keep the association's time zone (the members subgraph does), so deadlines in refusals carry the
 * offset of Europe/Oslo, every association's zone today; the instant is the same in any zone.
 */
const DEADLINE_ZONE = 'Europe/Oslo';

/** What `Event.signUpStatus` says: whether `signUpForEvent` would take the viewer's sign-up now, and why not. */
export interface SignUpStatus {
  allowed: boolean;
  reason: SignUpReason | null;
}

/** A cursor is [startsAt as ISO string, id]; both are checked because PostgreSQL would reject bad casts. */
const cursorKey = z.tuple([z.iso.datetime(), z.guid()]);

/** Business rules for events and sign-ups (påmelding); also the source of the reminder sweep. */
export class EventsService implements DueReminders {
  constructor(
    private readonly repository: EventsRepository,
    private readonly now: () => Date = () => new Date(),
    private readonly restrictions: Restrictions = NO_RESTRICTIONS,
  ) {}

  /** `event.reminder_due` to those with a confirmed seat, for each event now due a reminder. */
  claimDueReminders(now: Date, until: Date, limit: number): Promise<number> {
    return this.repository.claimDueReminders(now, until, limit, reminderOf);
  }

  async listEvents(
    viewer: Viewer | null,
    from: Date | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<EventRow>> {
    const reader = admitMember(viewer, canReadEvents);
    const size = pageSize(first);
    const position = after ? positionAfter(after) : null;
    const rows = await this.repository.listEvents(reader.associationId, from ?? this.now(), size + 1, position);
    return toPage(rows, size, (row) => [row.startsAt.toISOString(), row.id]);
  }

  async event(viewer: Viewer | null, loaders: EventsLoaders, id: string): Promise<EventRow> {
    if (!viewer) throw unauthenticated();
    const event = await loaders.eventById.load(id);
    if (!event) throw notFound('Event');
    return event;
  }

  async createEvent(viewer: Viewer | null, rawInput: unknown): Promise<EventRow> {
    const board = admitMember(viewer, canManageEvents);
    const input = parseInput(createEventInput, rawInput);
    if (await this.restrictions.isRestricted(board.associationId, board.memberId)) throw processingRestricted();
    return this.repository.insertEvent(board.associationId, { id: randomUUID(), createdByMemberId: board.memberId, ...input });
  }

  async cancelEvent(viewer: Viewer | null, loaders: EventsLoaders, rawInput: unknown): Promise<EventRow> {
    const board = admitMember(viewer, canManageEvents);
    const { eventId, reason } = parseInput(cancelEventInput, rawInput);
    const event = isUuid(eventId) ? await this.repository.cancelEvent(board.associationId, eventId, reason) : null;
    if (!event) throw notFound('Event');
    loaders.eventById.clear(eventId).prime(eventId, event);
    return event;
  }

  async signUp(viewer: Viewer | null, loaders: EventsLoaders, rawInput: unknown): Promise<{ event: EventRow; signup: SignupRow }> {
    const member = admitSignerUp(viewer);
    const { eventId, adults, children } = parseInput(signUpInput, rawInput);
    if (!isUuid(eventId)) throw notFound('Event');
    const signup = { id: randomUUID(), memberId: member.memberId, adults, children };
    let result: { event: EventRow; signup: SignupRow } | null;
    try {
      result = await this.repository.signUp(
        member.associationId,
        eventId,
        signup,
        (event, active) => {
          this.assertOpen(event);
          assertPartySize(event, adults, children);
          return placeFor(event, active, seatsOf(signup));
        },
        this.lateReminder,
      );
    } catch (error) {
      if (refusedRule<SignupRule>(error) === 'signed-up') throw refuse('ALREADY_SIGNED_UP');
      throw error;
    }
    if (!result) throw notFound('Event');
    loaders.signupsByEvent.clear(eventId);
    return result;
  }

  /**
   * Changes the party of the viewer's active sign-up without giving up its place: a confirmed sign-up keeps its
   * seat when it shrinks (the freed seats go to the waitlist in order) and grows only into free seats nobody waits
   * for (EVENT_FULL otherwise, unchanged); a waitlisted one keeps its place in the line. Under the event's lock, as
   * signing up and cancelling are, so no concurrent change can take the same seats.
   */
  async changeSignup(viewer: Viewer | null, loaders: EventsLoaders, rawInput: unknown): Promise<{ event: EventRow; signup: SignupRow }> {
    const member = admitSignerUp(viewer);
    const { eventId, adults, children } = parseInput(changeSignupInput, rawInput);
    if (!isUuid(eventId)) throw notFound('Event');
    const result = await this.repository.changeSignup(
      member.associationId,
      eventId,
      member.memberId,
      { adults, children },
      (event, active, mine) => {
        const closed = changeClosedReason(event, this.now(), mine, adults + children);
        if (closed) throw this.refusal(closed, event);
        assertPartySize(event, adults, children);
        if (!fitsAfterChange(event, active, mine, adults + children)) {
          throw refuse('EVENT_FULL', { seatsLeft: seatsLeft(event, active) ?? 0, waitlistLength: waitlist(active).length });
        }
      },
      promotions,
      promotionOf,
      this.lateReminder,
    );
    if (!result) throw notFound('Event');
    if (!result.signup) throw refuse('NOT_SIGNED_UP');
    loaders.signupsByEvent.clear(eventId);
    return { event: result.event, signup: result.signup };
  }

  /** The refusal `signUpForEvent` gives for a cancelled or closed event; nothing when open. */
  private assertOpen(event: EventRow): void {
    const reason = closedReason(event, this.now());
    if (reason) throw this.refusal(reason, event);
  }

  private refusal(reason: SignUpReason, event: EventRow) {
    if (reason !== 'SIGNUP_CLOSED') return refuse(reason);
    return refuse('SIGNUP_CLOSED', { deadline: DateTime.fromJSDate(signUpClosesAt(event), { zone: DEADLINE_ZONE }).toISO() });
  }

  /** Whether the viewer could sign up now, from the event's sign-ups already loaded for the page: no query of its own. */
  async signUpStatus(viewer: Viewer | null, loaders: EventsLoaders, event: EventRow): Promise<SignUpStatus> {
    const maySignUp = canSignUpForEvents(viewer, event.associationId);
    const signedUp = maySignUp && (await this.viewerSignup(viewer, loaders, event)) !== null;
    const reason = signUpReason(event, this.now(), { maySignUp, signedUp });
    return { allowed: reason === null, reason };
  }

  /**
   * Whether `changeSignup` would take a change now: the viewer has an active sign-up and the event is open, or
   * past the deadline, the party has more than one seat and so can still shrink.
   */
  async canChangeSignup(viewer: Viewer | null, loaders: EventsLoaders, event: EventRow): Promise<boolean> {
    if (!canSignUpForEvents(viewer, event.associationId)) return false;
    const mine = await this.viewerSignup(viewer, loaders, event);
    if (!mine) return false;
    const smallest = Math.max(1, seatsOf(mine) - 1);
    return smallest < seatsOf(mine) ? changeClosedReason(event, this.now(), mine, smallest) === null : closedReason(event, this.now()) === null;
  }

  async cancelSignup(viewer: Viewer | null, loaders: EventsLoaders, rawInput: unknown): Promise<{ event: EventRow; signup: SignupRow }> {
    const member = admitSignerUp(viewer);
    const { eventId } = parseInput(cancelSignupInput, rawInput);
    if (!isUuid(eventId)) throw notFound('Event');
    const result = await this.repository.cancelSignup(
      member.associationId,
      eventId,
      member.memberId,
      (event) => {
        // Promoting people to a cancelled event would tell them they have a seat at nothing.
        if (event.cancelledAt) throw refuse('EVENT_CANCELLED');
      },
      promotions,
      promotionOf,
      this.lateReminder,
    );
    if (!result) throw notFound('Event');
    if (!result.signup) throw refuse('NOT_SIGNED_UP');
    loaders.signupsByEvent.clear(eventId);
    return { event: result.event, signup: result.signup };
  }

  /**
   * Before a member's data is erased: their seats at events still open are given up as a cancellation gives them
   * up, so the waitlist moves on and the promoted are told. Events already cancelled are left as they are.
   */
  async releaseSeatsOf(associationId: string, memberId: string, eventIds: readonly string[]): Promise<void> {
    for (const eventId of eventIds) {
      await this.repository.cancelSignup(
        associationId,
        eventId,
        memberId,
        () => undefined,
        (event, active) => (event.cancelledAt ? [] : promotions(event, active)),
        promotionOf,
        this.lateReminder,
      );
    }
  }

  /**
   * The event's reminder for a seat confirmed after it went out, by a sign-up or a promotion (which is also told of
   * its seat, `promotionOf`: two notices on purpose, decision 0061).
   */
  private readonly lateReminder: LateReminder = (event, signup, remindedBefore) => {
    const at = this.now();
    const reminder = lateReminder(event, signup, remindedBefore, at);
    return reminder && { reminder, at };
  };

  /** The board sees every sign-up; anyone else only their own. */
  async signupsVisibleTo(viewer: Viewer | null, loaders: EventsLoaders, event: EventRow): Promise<SignupRow[]> {
    const all = await loaders.signupsByEvent.load(event.id);
    if (canSeeAllSignups(viewer, event.associationId)) return all;
    return all.filter((s) => s.memberId === viewer?.memberId);
  }

  async viewerSignup(viewer: Viewer | null, loaders: EventsLoaders, event: EventRow): Promise<SignupRow | null> {
    if (!viewer?.memberId) return null;
    const all = await loaders.signupsByEvent.load(event.id);
    return all.find((s) => s.memberId === viewer.memberId && s.status !== 'cancelled') ?? null;
  }
}

/**
 * A member of the association who may sign up: UNAUTHENTICATED for nobody, FORBIDDEN for a non-member, and
 * SIGNUP_RESIDENTS_ONLY for a member whose role takes no seats (the reason `Event.signUpStatus` gives them).
 */
function admitSignerUp(viewer: Viewer | null) {
  const member = admitMember(viewer, canReadEvents);
  if (!canSignUpForEvents(member, member.associationId)) throw refuse('SIGNUP_RESIDENTS_ONLY');
  return member;
}

/** The member plus their guests must stay within what the board allowed per sign-up. */
function assertPartySize(event: EventRow, adults: number, children: number): void {
  const allowed = event.maxGuestsPerSignup + 1;
  if (adults > allowed) throw badUserInput('adults', `adults: at most ${allowed} people per sign-up for this event.`);
  if (adults + children > allowed) {
    throw badUserInput('children', `children: at most ${allowed} people (adults and children) per sign-up for this event.`);
  }
}

/** What tells a waitlisted person they got a seat. */
function promotionOf(signup: SignupRow): Announcement {
  return { topic: 'event.signup_promoted', payload: { eventId: signup.eventId, memberId: signup.memberId, signupId: signup.id } };
}

function positionAfter(cursor: string): EventListPosition {
  const [startsAt, id] = decodeCursor(cursor, cursorKey);
  return { startsAt: new Date(startsAt), id };
}
