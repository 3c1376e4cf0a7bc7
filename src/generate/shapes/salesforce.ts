/** The Salesforce-like shape, read with the `salesforce` profile. */
import type { Shape } from '../shape.js';
import { STAGES } from '../entities/opportunities.js';
import { salesforcePlans } from './salesforce-rows.js';
import { salesforceDefinitions } from './salesforce-schema.js';

/** The Salesforce shape. Salesforce's own automation (flows, Apex) is not SQL, so there are no database extras. */
export const salesforceShape: Shape = {
  name: 'salesforce',
  facts: {
    profile: 'salesforce',
    users: 'User',
    activity: 'LoginHistory',
    accounts: 'Account',
    contacts: 'Contact',
    selfReference: { object: 'Account', field: 'ParentId' },
    picklist: { object: 'Opportunity', field: 'StageName', values: [...STAGES] },
    newAccount: (i) => ({ Name: `Added Account ${i}`, Type: 'Prospect' }),
    requiredAccountField: 'Name',
  },
  definitions: salesforceDefinitions,
  extras: () => [],
  plans: salesforcePlans,
};
