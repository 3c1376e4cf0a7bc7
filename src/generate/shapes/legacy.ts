/** The in-house ("legacy") CRM shape, read with the `generic` profile. */
import type { Shape } from '../shape.js';
import { INDUSTRIES } from '../vocabulary/companies.js';
import { legacyExtras } from './legacy-extras.js';
import { legacyPlans } from './legacy-rows.js';
import { legacyDefinitions } from './legacy-schema.js';

/** The legacy shape. */
export const legacyShape: Shape = {
  name: 'legacy',
  facts: {
    profile: 'generic',
    users: 'users',
    activity: 'user_logins',
    accounts: 'accounts',
    contacts: 'contacts',
    selfReference: { object: 'accounts', field: 'parent_id' },
    picklist: { object: 'accounts', field: 'industry', values: [...INDUSTRIES] },
    newAccount: (i) => ({ name: `Added Account ${i}`, industry: 'Technology', deleted: false }),
    requiredAccountField: 'name',
  },
  definitions: legacyDefinitions,
  extras: legacyExtras,
  plans: legacyPlans,
};
