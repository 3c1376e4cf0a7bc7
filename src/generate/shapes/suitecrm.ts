/** SuiteCRM 7's layout, read with the `suitecrm` profile. */
import type { Shape } from '../shape.js';
import { STAGES } from '../entities/opportunities.js';
import { suitecrmDealPlans } from './suitecrm-deal-rows.js';
import { suitecrmPeoplePlans } from './suitecrm-rows.js';
import { suitecrmDefinitions } from './suitecrm-schema.js';

/** The SuiteCRM shape. SuiteCRM keeps its logic in PHP, so there are no views, triggers or routines. */
export const suitecrmShape: Shape = {
  name: 'suitecrm',
  facts: {
    profile: 'suitecrm',
    users: 'users',
    activity: 'tracker',
    accounts: 'accounts',
    contacts: 'contacts',
    selfReference: { object: 'accounts', field: 'parent_id' },
    picklist: { object: 'opportunities', field: 'sales_stage', values: [...STAGES] },
    newAccount: (i) => ({ name: `Added Account ${i}`, account_type: 'Prospect', deleted: false }),
    requiredAccountField: 'name',
  },
  definitions: suitecrmDefinitions,
  extras: () => [],
  plans: (context) => [...suitecrmPeoplePlans(context), ...suitecrmDealPlans(context)],
};
