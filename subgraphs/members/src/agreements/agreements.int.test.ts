import { randomUUID } from 'node:crypto';
import { openMembersTestBed, type MembersTestBed } from '../members.fixtures';
import { agreementsHarness, associationWithBoard, eventsOf, OPERATOR, refusalOf, type AgreementsHarness } from './agreements.fixtures';

/** Terms of service §3, §8, §9 with an injected clock: Sunday 6 December 2026, 13:00 in Oslo. */
describe('ending an agreement', () => {
  let bed: MembersTestBed;
  let harness: AgreementsHarness;
  const agreements = () => harness.service;

  beforeAll(async () => {
    bed = await openMembersTestBed();
    harness = await agreementsHarness(bed, '2026-12-06T12:00:00Z');
  });
  afterAll(async () => {
    await harness.close();
    await bed.close();
  });
  beforeEach(() => harness.setClock('2026-12-06T12:00:00Z'));

  it("lets the provider end with 3 calendar months' notice and no less, telling the earliest day", async () => {
    const { id } = await associationWithBoard(bed);
    expect(await refusalOf(agreements().terminate(OPERATOR, { associationId: id, effectiveOn: '2027-03-05' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'effectiveOn',
      message: expect.stringContaining('2027-03-06'),
    });
    const termination = await agreements().terminate(OPERATOR, { associationId: id, effectiveOn: '2027-03-06', reason: 'Tjenesten legges ned' });
    expect(termination).toMatchObject({ initiatedBy: 'provider', effectiveOn: '2027-03-06', reason: 'Tjenesten legges ned', requestedBy: OPERATOR.accountId });
    expect(await eventsOf(bed, id)).toEqual([
      {
        topic: 'association.termination_filed',
        payload: { terminationId: termination.id, initiatedBy: 'provider', effectiveOn: '2027-03-06', reason: 'Tjenesten legges ned', timeZone: 'Europe/Oslo' },
      },
    ]);
  });

  it("counts the provider's notice from the association's own day", async () => {
    // 23:30 UTC on 6 December is already 7 December in Oslo, still 6 December in New York.
    harness.setClock('2026-12-06T23:30:00Z');
    const oslo = await associationWithBoard(bed);
    const newYork = await associationWithBoard(bed, 'America/New_York');
    expect(await refusalOf(agreements().terminate(OPERATOR, { associationId: oslo.id, effectiveOn: '2027-03-06' }))).toMatchObject({ field: 'effectiveOn' });
    expect(await agreements().terminate(OPERATOR, { associationId: newYork.id, effectiveOn: '2027-03-06' })).toMatchObject({ effectiveOn: '2027-03-06' });
  });

  it('lets the board end on any day from today (no binding), but not on a day that has passed', async () => {
    const { id, board } = await associationWithBoard(bed);
    expect(await refusalOf(agreements().terminate(board, { associationId: id, effectiveOn: '2026-12-05' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'effectiveOn',
    });
    expect(await agreements().terminate(board, { associationId: id, effectiveOn: '2026-12-06' })).toMatchObject({
      initiatedBy: 'board',
      effectiveOn: '2026-12-06',
    });
  });

  it('keeps one open termination, withdrawn only by the party that filed it and only before its day', async () => {
    const { id, board } = await associationWithBoard(bed);
    const filed = await agreements().terminate(board, { associationId: id, effectiveOn: '2027-01-31' });
    expect(await refusalOf(agreements().terminate(OPERATOR, { associationId: id, effectiveOn: '2027-06-30' }))).toMatchObject({ code: 'CONFLICT' });
    expect(await refusalOf(agreements().withdraw(OPERATOR, { terminationId: filed.id }))).toMatchObject({ code: 'FORBIDDEN' });

    const withdrawn = await agreements().withdraw(board, { terminationId: filed.id });
    expect(withdrawn.withdrawnAt).toEqual(new Date('2026-12-06T12:00:00Z'));
    expect(await refusalOf(agreements().withdraw(board, { terminationId: filed.id }))).toMatchObject({ code: 'CONFLICT' });
    expect((await eventsOf(bed, id)).map((e) => e.topic)).toEqual(['association.termination_filed', 'association.termination_withdrawn']);

    const provider = await agreements().terminate(OPERATOR, { associationId: id, effectiveOn: '2027-06-30' });
    expect(await refusalOf(agreements().withdraw(board, { terminationId: provider.id }))).toMatchObject({ code: 'FORBIDDEN' });
    harness.setClock('2027-06-30T08:00:00Z');
    expect(await refusalOf(agreements().withdraw(OPERATOR, { terminationId: provider.id }))).toMatchObject({ code: 'CONFLICT' });
  });

  it("refuses strangers, residents and other associations' boards, and hides other associations' terminations", async () => {
    const { id, board, resident } = await associationWithBoard(bed);
    const other = await associationWithBoard(bed);
    const filed = await agreements().terminate(board, { associationId: id, effectiveOn: '2027-01-31' });
    expect(await refusalOf(agreements().terminate(null, { associationId: id, effectiveOn: '2027-01-31' }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refusalOf(agreements().terminate(resident, { associationId: id, effectiveOn: '2027-01-31' }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusalOf(agreements().terminate(other.board, { associationId: id, effectiveOn: '2027-01-31' }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusalOf(agreements().withdraw(other.board, { terminationId: filed.id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refusalOf(agreements().agreement(other.board, id))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusalOf(agreements().terminate(OPERATOR, { associationId: randomUUID(), effectiveOn: '2027-06-30' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refusalOf(agreements().noticeBreach(board, { associationId: id, description: 'x' }))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await agreements().agreement(board, id)).openTermination).toMatchObject({ id: filed.id });
  });

  it('gives 5 working days to remedy a breach, and blocks for it only after they have passed', async () => {
    harness.setClock('2026-12-07T09:00:00Z'); // Monday
    const { id } = await associationWithBoard(bed);
    const other = await associationWithBoard(bed);
    const notice = await agreements().noticeBreach(OPERATOR, { associationId: id, description: 'Reklame for ulovlig utleie' });
    expect(notice.remedyBy).toBe('2026-12-14');
    const block = { associationId: id, ground: 'UNREMEDIED_BREACH', reason: 'Ikke rettet opp', breachNoticeId: notice.id };

    harness.setClock('2026-12-14T22:00:00Z'); // 23:00 on the last day, in Oslo
    expect(await refusalOf(agreements().block(OPERATOR, block))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'breachNoticeId' });
    expect(await refusalOf(agreements().block(OPERATOR, { ...block, breachNoticeId: undefined }))).toMatchObject({ field: 'breachNoticeId' });
    const elsewhere = await agreements().noticeBreach(OPERATOR, { associationId: other.id, description: 'Noe annet' });
    harness.setClock('2026-12-15T07:00:00Z');
    expect(await refusalOf(agreements().block(OPERATOR, { ...block, breachNoticeId: elsewhere.id }))).toMatchObject({ field: 'breachNoticeId' });

    const blocked = await agreements().block(OPERATOR, block);
    expect(blocked).toMatchObject({ status: 'blocked', blockedGround: 'unremedied_breach', blockedReason: 'Ikke rettet opp' });
    const agreement = await agreements().agreement(OPERATOR, id);
    expect(agreement.openTermination).toMatchObject({ initiatedBy: 'breach', effectiveOn: '2026-12-22' });
    expect((await eventsOf(bed, id)).map((e) => e.topic)).toEqual(['association.breach_noticed', 'association.blocked']);
  });

  it("blocks at once for illegal use, replacing a later end with the breach's 7 days, and reopens", async () => {
    const { id, board } = await associationWithBoard(bed);
    const later = await agreements().terminate(OPERATOR, { associationId: id, effectiveOn: '2027-04-01' });
    const before = { sessionId: null, associationId: id, memberId: board.memberId, issuedAt: new Date(Date.now() - 1000) };
    expect((await harness.reader.standing(before)).associationClosed).toBeNull();

    await agreements().block(OPERATOR, { associationId: id, ground: 'ILLEGAL_USE', reason: 'Ulovlig innhold' });
    expect(await refusalOf(agreements().block(OPERATOR, { associationId: id, ground: 'ILLEGAL_USE', reason: 'Igjen' }))).toMatchObject({ code: 'CONFLICT' });
    const blocked = await agreements().agreement(OPERATOR, id);
    expect(blocked.openTermination).toMatchObject({ initiatedBy: 'breach', effectiveOn: '2026-12-13' });
    expect(blocked.openTermination!.id).not.toBe(later.id);
    expect((await harness.reader.standing(before)).associationClosed).toMatchObject({ status: 'blocked' });
    expect(await eventsOf(bed, id)).toContainEqual({
      topic: 'association.blocked',
      payload: expect.objectContaining({ ground: 'illegal_use', effectiveOn: '2026-12-13', terminationId: blocked.openTermination!.id }),
    });

    const reopened = await agreements().unblock(OPERATOR, { associationId: id });
    expect(reopened).toMatchObject({ status: 'active', blockedAt: null, blockedGround: null });
    expect((await agreements().agreement(board, id)).openTermination).toBeNull();
    expect((await harness.reader.standing(before)).associationClosed).toBeNull();
    expect(await refusalOf(agreements().unblock(OPERATOR, { associationId: id }))).toMatchObject({ code: 'CONFLICT' });
  });

  it('keeps an earlier end filed before a block, since it closes sooner', async () => {
    const { id, board } = await associationWithBoard(bed);
    const soon = await agreements().terminate(board, { associationId: id, effectiveOn: '2026-12-10' });
    await agreements().block(OPERATOR, { associationId: id, ground: 'INVALID_LEGAL_DETAILS', reason: 'Ugyldig organisasjonsnummer' });
    expect((await agreements().agreement(OPERATOR, id)).openTermination).toMatchObject({ id: soon.id, effectiveOn: '2026-12-10' });
    await agreements().unblock(OPERATOR, { associationId: id });
    expect((await agreements().agreement(OPERATOR, id)).openTermination).toMatchObject({ id: soon.id });
  });
});
