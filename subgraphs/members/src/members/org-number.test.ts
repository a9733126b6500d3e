import { isValidOrgNumber } from './org-number';

describe('isValidOrgNumber', () => {
  it.each(['923609016', '974760673', '985399077'])('accepts the registered number %s', (number) => {
    expect(isValidOrgNumber(number)).toBe(true);
  });

  it.each([
    ['923609017', 'wrong check digit'],
    ['92360901', 'eight digits'],
    ['9236090166', 'ten digits'],
    ['92360901a', 'a letter'],
    ['923 609 016', 'spaces'],
    ['000000010', 'a remainder that gives check digit 10'],
  ])('rejects %s (%s)', (number) => {
    expect(isValidOrgNumber(number)).toBe(false);
  });
});
