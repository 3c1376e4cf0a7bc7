/**
 * Salesforce-like objects as SQL tables: 18-character ids with key
 * prefixes, PascalCase fields, `IsDeleted`, `CreatedDate`/`LastModifiedDate`/
 * `SystemModstamp`, and foreign keys where Salesforce enforces lookups
 * between records; owner and audit user fields are left to the profile's
 * conventions, and the polymorphic `WhoId`/`WhatId`/`ParentId` to key prefixes.
 */
import type { FieldDefinition, ObjectDefinition } from '../../connectors/contract.js';
import { INDUSTRIES } from '../vocabulary/companies.js';
import { STAGES } from '../entities/opportunities.js';

/** Key prefixes of the generated objects. */
export const SF_PREFIXES = { User: '005', LoginHistory: '0Ya', Account: '001', Contact: '003', Lead: '00Q', Opportunity: '006', Task: '00T', Note: '002' } as const;

/** Values of `Lead.Status`. */
export const SF_LEAD_STATUSES = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'] as const;
/** Values of `LeadSource` (the standard five plus three this org added). */
export const SF_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Trade Show', 'Email', 'Word of Mouth', 'Other'] as const;
/** Values of `Account.Type`. */
export const SF_ACCOUNT_TYPES = ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Technology Partner', 'Competitor', 'Other'] as const;

const id: FieldDefinition = { name: 'Id', type: 'id', length: 18 };
const lookup = (name: string, object: string, constraint: boolean, nullable = true): FieldDefinition => ({
  name,
  type: 'id',
  length: 18,
  nullable,
  references: { object, field: 'Id', constraint },
});
const polymorphic = (name: string): FieldDefinition => ({ name, type: 'id', length: 18, nullable: true });
const str = (name: string, length: number, nullable = true): FieldDefinition => ({ name, type: 'string', length, nullable });
const picklist = (name: string, values: readonly string[], nullable = true): FieldDefinition => ({ name, type: 'string', length: 255, nullable, picklistValues: [...values] });
const checkbox = (name: string, defaultValue = false): FieldDefinition => ({ name, type: 'boolean', nullable: false, defaultValue });
const longText = (name: string): FieldDefinition => ({ name, type: 'text' });
const audit: FieldDefinition[] = [
  { name: 'CreatedDate', type: 'datetime', nullable: false },
  lookup('CreatedById', 'User', false),
  { name: 'LastModifiedDate', type: 'datetime', nullable: false },
  lookup('LastModifiedById', 'User', false),
  // Salesforce sets it itself; nullable so that a plain insert (a restore, a test) needs not.
  { name: 'SystemModstamp', type: 'datetime', nullable: true },
];
const record: FieldDefinition[] = [lookup('OwnerId', 'User', false), checkbox('IsDeleted'), ...audit];
const address = (prefix: string): FieldDefinition[] => [
  str(`${prefix}Street`, 255),
  str(`${prefix}City`, 40),
  str(`${prefix}State`, 80),
  str(`${prefix}PostalCode`, 20),
  str(`${prefix}Country`, 80),
];
const legacyId: FieldDefinition = { name: 'Legacy_Id__c', type: 'string', length: 40, nullable: true, unique: true };

/** The Salesforce-like objects, in dependency order. */
export function salesforceDefinitions(): ObjectDefinition[] {
  return withReferenceIndexes(definitions());
}

/**
 * Every reference the database enforces gets an index, as Salesforce indexes
 * its lookup fields: without one, each parent deleted (a reset, a rollback)
 * makes the database scan the whole child table for rows still pointing at it.
 */
function withReferenceIndexes(objects: ObjectDefinition[]): ObjectDefinition[] {
  return objects.map((object) => {
    const indexes = [...(object.indexes ?? [])];
    for (const field of object.fields) {
      if (field.references?.constraint && !indexes.some((index) => index[0] === field.name)) indexes.push([field.name]);
    }
    return indexes.length > 0 ? { ...object, indexes } : object;
  });
}

function definitions(): ObjectDefinition[] {
  return [
    {
      name: 'User',
      kind: 'users',
      idField: 'Id',
      fields: [
        id,
        { name: 'Username', type: 'string', length: 80, nullable: false, unique: true },
        str('FirstName', 40),
        str('LastName', 80, false),
        str('Email', 128, false),
        str('Alias', 8, false),
        checkbox('IsActive', true),
        checkbox('IsFrozen'),
        str('ProfileName', 255),
        str('UserRoleName', 255),
        str('Title', 80),
        str('Department', 80),
        str('TimeZoneSidKey', 40, false),
        str('LocaleSidKey', 40),
        str('LanguageLocaleKey', 40),
        lookup('ManagerId', 'User', true),
        { name: 'LastLoginDate', type: 'datetime' },
        ...audit,
      ],
    },
    {
      name: 'LoginHistory',
      kind: 'activity',
      idField: 'Id',
      fields: [
        id,
        lookup('UserId', 'User', true, false),
        { name: 'LoginTime', type: 'datetime', nullable: false },
        str('LoginType', 40),
        str('Status', 128),
        str('SourceIp', 39),
        str('Browser', 64),
        str('Platform', 64),
        str('Application', 64),
        str('LoginUrl', 255),
      ],
      indexes: [['UserId'], ['LoginTime']],
    },
    {
      name: 'Account',
      idField: 'Id',
      fields: [
        id,
        str('Name', 255, false),
        picklist('Type', SF_ACCOUNT_TYPES),
        lookup('ParentId', 'Account', true),
        ...address('Billing'),
        str('Phone', 40),
        str('Fax', 40),
        str('Website', 255),
        picklist('Industry', INDUSTRIES),
        { name: 'AnnualRevenue', type: 'decimal', precision: 18, scale: 2 },
        { name: 'NumberOfEmployees', type: 'integer' },
        picklist('Rating', ['Hot', 'Warm', 'Cold']),
        longText('Description'),
        picklist('Customer_Tier__c', ['Gold', 'Silver', 'Bronze']),
        legacyId,
        ...record,
      ],
      indexes: [['Name'], ['OwnerId']],
    },
    {
      name: 'Contact',
      idField: 'Id',
      fields: [
        id,
        lookup('AccountId', 'Account', true),
        picklist('Salutation', ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.']),
        str('FirstName', 40),
        str('LastName', 80, false),
        str('Title', 128),
        str('Department', 80),
        str('Email', 80),
        str('Phone', 40),
        str('MobilePhone', 40),
        { name: 'Birthdate', type: 'date' },
        picklist('LeadSource', SF_SOURCES),
        checkbox('DoNotCall'),
        checkbox('HasOptedOutOfEmail'),
        ...address('Mailing'),
        lookup('ReportsToId', 'Contact', true),
        longText('Description'),
        legacyId,
        ...record,
      ],
      indexes: [['AccountId'], ['LastName', 'FirstName'], ['Email']],
    },
    {
      name: 'Opportunity',
      idField: 'Id',
      fields: [
        id,
        lookup('AccountId', 'Account', true),
        lookup('ContactId', 'Contact', true),
        str('Name', 120, false),
        picklist('StageName', STAGES, false),
        { name: 'Amount', type: 'decimal', precision: 18, scale: 2 },
        { name: 'Probability', type: 'decimal', precision: 3, scale: 0 },
        { name: 'CloseDate', type: 'date', nullable: false },
        picklist('Type', ['New Business', 'Existing Business', 'Renewal']),
        picklist('LeadSource', SF_SOURCES),
        str('NextStep', 255),
        picklist('ForecastCategoryName', ['Pipeline', 'Best Case', 'Commit', 'Closed', 'Omitted']),
        checkbox('IsClosed'),
        checkbox('IsWon'),
        str('CurrencyIsoCode', 3),
        longText('Description'),
        ...record,
      ],
      indexes: [['AccountId'], ['StageName']],
    },
    {
      name: 'Lead',
      idField: 'Id',
      fields: [
        id,
        picklist('Salutation', ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.']),
        str('FirstName', 40),
        str('LastName', 80, false),
        str('Company', 255, false),
        str('Title', 128),
        str('Email', 80),
        str('Phone', 40),
        str('MobilePhone', 40),
        str('Website', 255),
        ...address(''),
        picklist('Status', SF_LEAD_STATUSES, false),
        picklist('LeadSource', SF_SOURCES),
        picklist('Industry', INDUSTRIES),
        picklist('Rating', ['Hot', 'Warm', 'Cold']),
        { name: 'AnnualRevenue', type: 'decimal', precision: 18, scale: 2 },
        { name: 'NumberOfEmployees', type: 'integer' },
        longText('Description'),
        checkbox('DoNotCall'),
        checkbox('IsConverted'),
        { name: 'ConvertedDate', type: 'date' },
        lookup('ConvertedAccountId', 'Account', true),
        lookup('ConvertedContactId', 'Contact', true),
        lookup('ConvertedOpportunityId', 'Opportunity', true),
        ...record,
      ],
      indexes: [['Email'], ['Status']],
    },
    {
      name: 'Task',
      idField: 'Id',
      fields: [
        id,
        polymorphic('WhoId'),
        polymorphic('WhatId'),
        lookup('AccountId', 'Account', true),
        str('Subject', 255),
        { name: 'ActivityDate', type: 'date' },
        picklist('Status', ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], false),
        picklist('Priority', ['High', 'Normal', 'Low'], false),
        checkbox('IsClosed'),
        picklist('TaskSubtype', ['Task', 'Email', 'Call']),
        picklist('CallType', ['Inbound', 'Outbound']),
        { name: 'CallDurationInSeconds', type: 'integer' },
        longText('Description'),
        ...record,
      ],
      indexes: [['WhoId'], ['WhatId'], ['ActivityDate']],
    },
    {
      name: 'Note',
      idField: 'Id',
      fields: [id, polymorphic('ParentId'), str('Title', 80, false), longText('Body'), checkbox('IsPrivate'), ...record],
      indexes: [['ParentId']],
    },
  ];
}
