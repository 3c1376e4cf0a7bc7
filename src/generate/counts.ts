/** How many records of each kind a generated CRM has, from the requested total. */

/** Business records per kind; they add up to the requested `records`. */
export interface BusinessCounts {
  accounts: number;
  contacts: number;
  leads: number;
  opportunities: number;
  activities: number;
  notes: number;
}

/** Shares of the total, as a mid-sized B2B sales CRM has them. */
export const BUSINESS_RATIOS: Readonly<BusinessCounts> = {
  accounts: 0.1,
  contacts: 0.3,
  leads: 0.12,
  opportunities: 0.1,
  activities: 0.28,
  notes: 0.1,
};

const KINDS = Object.keys(BUSINESS_RATIOS) as Array<keyof BusinessCounts>;

/**
 * Splits `records` by {@link BUSINESS_RATIOS} with the largest-remainder
 * method, so the parts add up exactly; any non-zero total has an account,
 * since the other records hang off accounts.
 */
export function allocate(records: number): BusinessCounts {
  const counts = { accounts: 0, contacts: 0, leads: 0, opportunities: 0, activities: 0, notes: 0 };
  const remainders: Array<[keyof BusinessCounts, number]> = [];
  let given = 0;
  for (const kind of KINDS) {
    const exact = records * BUSINESS_RATIOS[kind];
    counts[kind] = Math.floor(exact);
    given += counts[kind];
    remainders.push([kind, exact - counts[kind]]);
  }
  remainders.sort((a, b) => b[1] - a[1] || KINDS.indexOf(a[0]) - KINDS.indexOf(b[0]));
  for (let i = 0; given < records; i += 1, given += 1) counts[(remainders[i % remainders.length] as [keyof BusinessCounts, number])[0]] += 1;
  if (records > 0 && counts.accounts === 0) {
    const largest = KINDS.reduce((a, b) => (counts[b] > counts[a] ? b : a));
    counts[largest] -= 1;
    counts.accounts = 1;
  }
  return counts;
}

/** Default number of users: one per 200 records, at least 8 and at most 500. */
export function defaultUsers(records: number): number {
  return Math.min(500, Math.max(8, Math.round(records / 200)));
}
