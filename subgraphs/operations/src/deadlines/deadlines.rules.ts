import type { ServiceRequestCategory, ServiceRequestStatus, ServiceRequestUrgency } from '../tables';

/**
 * Response and resolution deadlines of service requests (docs/decisions/0043), as pure rules with the clock passed
 * in: hours per category and urgency, the board's where it set its own, these defaults otherwise.
 */
export interface DeadlineHours {
  responseHours: number;
  resolutionHours: number;
}

export const CATEGORIES: readonly ServiceRequestCategory[] = [
  'plumbing',
  'electrical',
  'heating_ventilation',
  'common_areas',
  'outdoor',
  'security_locks',
  'other',
];
export const URGENCIES: readonly ServiceRequestUrgency[] = ['normal', 'urgent'];
export const MAX_HOURS = 8760;

const HOUR_MS = 3_600_000;
/** Faults that leave a home without water, power, heat or a lock are fixed within a week even when not urgent. */
const ESSENTIAL: ReadonlySet<ServiceRequestCategory> = new Set(['plumbing', 'electrical', 'heating_ventilation', 'security_locks']);

/** An urgent fault is answered within 2 hours and fixed within a day; others answered within 2 days. */
export function defaultHours(category: ServiceRequestCategory, urgency: ServiceRequestUrgency): DeadlineHours {
  if (urgency === 'urgent') return { responseHours: 2, resolutionHours: 24 };
  return { responseHours: 48, resolutionHours: ESSENTIAL.has(category) ? 7 * 24 : 14 * 24 };
}

/** The hours that apply: the board's for the category and urgency when set, else the default. */
export function hoursFor(
  category: ServiceRequestCategory,
  urgency: ServiceRequestUrgency,
  board: readonly ({ category: ServiceRequestCategory; urgency: ServiceRequestUrgency } & DeadlineHours)[],
): DeadlineHours & { isDefault: boolean } {
  const own = board.find((row) => row.category === category && row.urgency === urgency);
  return own
    ? { responseHours: own.responseHours, resolutionHours: own.resolutionHours, isDefault: false }
    : { ...defaultHours(category, urgency), isDefault: true };
}

/** Both deadlines count from the report, in elapsed hours (a deadline of 24 hours is 24 hours also across DST). */
export function deadlinesFrom(reportedAt: Date, hours: DeadlineHours): { responseDueAt: Date; resolutionDueAt: Date } {
  return {
    responseDueAt: new Date(reportedAt.getTime() + hours.responseHours * HOUR_MS),
    resolutionDueAt: new Date(reportedAt.getTime() + hours.resolutionHours * HOUR_MS),
  };
}

type Deadlined = { status: ServiceRequestStatus; responseDueAt: Date | null; resolutionDueAt: Date | null };

/** Which deadline an open request has missed: the response while nobody has acknowledged it, then the resolution. */
export function missedDeadline(request: Deadlined, now: Date): 'response' | 'resolution' | null {
  const open = request.status === 'new' || request.status === 'acknowledged' || request.status === 'in_progress' || request.status === 'waiting';
  if (!open) return null;
  if (request.resolutionDueAt && request.resolutionDueAt.getTime() < now.getTime()) return 'resolution';
  if (request.status === 'new' && request.responseDueAt && request.responseDueAt.getTime() < now.getTime()) return 'response';
  return null;
}

export function isRequestOverdue(request: Deadlined, now: Date): boolean {
  return missedDeadline(request, now) !== null;
}

/** Whole hours from 1 to a year, and the answer no later than the fix. */
export function hoursRefusal(hours: DeadlineHours): { field: string; reason: string } | null {
  for (const field of ['responseHours', 'resolutionHours'] as const) {
    const value = hours[field];
    if (!Number.isInteger(value) || value < 1 || value > MAX_HOURS) return { field, reason: `Give whole hours from 1 to ${MAX_HOURS}.` };
  }
  if (hours.responseHours > hours.resolutionHours)
    return { field: 'responseHours', reason: 'The response deadline cannot be later than the resolution deadline.' };
  return null;
}
