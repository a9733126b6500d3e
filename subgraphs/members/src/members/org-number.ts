const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];

/**
 * Norwegian organisation numbers (Brønnøysundregistrene) are 9 digits whose last digit is a mod-11 check digit
 * over the first eight with weights 3 2 7 6 5 4 3 2; a remainder giving 10 means the number cannot exist.
 */
export function isValidOrgNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * digits[i]!, 0);
  const check = (11 - (sum % 11)) % 11;
  return check !== 10 && check === digits[8];
}
