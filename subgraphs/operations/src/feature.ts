/** The add-on every operations field needs (billing's catalogue key; docs/decisions/0031, 0041). */
export const OPERATIONS_FEATURE = 'operationsCenter';
