/** The calendar date (YYYY-MM-DD) it is in a time zone at an instant; tenures and terms count in local dates. */
export function todayIn(timeZone: string, at: Date = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone }).format(at);
}
