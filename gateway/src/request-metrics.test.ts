import { ANONYMOUS_OPERATION, BoundedLabels, OTHER_LABEL, outcomeOf } from './request-metrics';

describe('operation-name labels', () => {
  it('keeps the first names and collapses every later one, so a client cannot grow the label set without end', () => {
    const labels = new BoundedLabels(2);
    expect(labels.label('Me')).toBe('Me');
    expect(labels.label('Feed')).toBe('Feed');
    expect(labels.label('Junk1')).toBe(OTHER_LABEL);
    expect(labels.label('Junk2')).toBe(OTHER_LABEL);
    // Names seen before the bound keep their label.
    expect(labels.label('Me')).toBe('Me');
  });

  it('gives unnamed operations one label and anything that is no GraphQL name the other one', () => {
    const labels = new BoundedLabels(10);
    expect(labels.label(null)).toBe(ANONYMOUS_OPERATION);
    expect(labels.label('')).toBe(ANONYMOUS_OPERATION);
    expect(labels.label('a"b')).toBe(OTHER_LABEL);
    expect(labels.label('x'.repeat(65))).toBe(OTHER_LABEL);
    expect(labels.label('{__typename}')).toBe(OTHER_LABEL);
  });
});

describe('request outcome', () => {
  it('is a server error for 5xx and for internal or unavailable errors, a client error for other errors', () => {
    expect(outcomeOf(200, [])).toBe('ok');
    expect(outcomeOf(200, ['NOT_FOUND'])).toBe('client_error');
    expect(outcomeOf(400, [])).toBe('client_error');
    expect(outcomeOf(200, ['BAD_USER_INPUT', 'SERVICE_UNAVAILABLE'])).toBe('server_error');
    expect(outcomeOf(200, ['INTERNAL_SERVER_ERROR'])).toBe('server_error');
    expect(outcomeOf(503, [])).toBe('server_error');
  });
});
