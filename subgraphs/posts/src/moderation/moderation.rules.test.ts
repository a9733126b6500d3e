import type { MemberViewer } from '@tunet/kit';
import { excerptOf, hidesOnReport, householdOf } from './moderation.rules';

const viewer = (unitIds: string[] | null): MemberViewer => ({
  accountId: 'e0000000-0000-4000-8000-000000000001',
  associationId: 'a0000000-0000-4000-8000-00000000000a',
  memberId: 'b0000000-0000-4000-8000-000000000001',
  role: 'resident',
  platformAdmin: false,
  sessionId: null,
  scope: unitIds ? { unitIds, buildingIds: [], committeeIds: [] } : null,
});

describe('householdOf', () => {
  it('is the unit the reporter lives in', () => {
    expect(householdOf(viewer(['d0000000-0000-4000-8000-000000000005']))).toBe('d0000000-0000-4000-8000-000000000005');
  });

  it('is the smallest unit id for someone with several, whatever their order', () => {
    const units = ['d0000000-0000-4000-8000-000000000009', 'd0000000-0000-4000-8000-000000000002'];
    expect(householdOf(viewer(units))).toBe('d0000000-0000-4000-8000-000000000002');
    expect(householdOf(viewer([...units].reverse()))).toBe('d0000000-0000-4000-8000-000000000002');
  });

  it('is the member alone without a unit or without a scope', () => {
    expect(householdOf(viewer([]))).toBe('b0000000-0000-4000-8000-000000000001');
    expect(householdOf(viewer(null))).toBe('b0000000-0000-4000-8000-000000000001');
  });
});

describe('hidesOnReport', () => {
  it('hides visible content once the threshold of households is reached', () => {
    expect(hidesOnReport(2, 3, 'visible')).toBe(false);
    expect(hidesOnReport(3, 3, 'visible')).toBe(true);
    expect(hidesOnReport(4, 3, 'visible')).toBe(true);
  });

  it('leaves content that is already hidden or removed alone', () => {
    expect(hidesOnReport(5, 3, 'hidden')).toBe(false);
    expect(hidesOnReport(5, 3, 'removed')).toBe(false);
  });
});

describe('excerptOf', () => {
  it("joins a post's title and body on one line", () => {
    expect(excerptOf({ title: 'Dugnad', body: 'Vi  raker\nplenene.' })).toBe('Dugnad: Vi raker plenene.');
  });

  it('cuts long text to 200 characters with an ellipsis', () => {
    const excerpt = excerptOf({ title: null, body: 'ord '.repeat(100) })!;
    expect(excerpt).toHaveLength(200);
    expect(excerpt.endsWith('ord…')).toBe(true);
  });

  it('is null for a deleted comment', () => {
    expect(excerptOf({ title: null, body: null })).toBeNull();
  });
});
