/** The text of the plans `cutover init` writes: a commented starter, and the demo's complete plan. */
import { salesforceIdOf } from '../generate/ids.js';
import { seedBase } from '../generate/random.js';
import { SF_PREFIXES } from '../generate/shapes/salesforce-schema.js';

/**
 * The demo target's head of sales (generated user 1, active in every seed):
 * owner of the records of legacy users who have no Salesforce user (the
 * demo target gets only the first users of a large legacy CRM).
 */
export function demoFallbackUser(seed: number): string {
  return salesforceIdOf(seedBase(seed), SF_PREFIXES.User, 1);
}

const HEADER = `# yaml-language-server: $schema=./cutover.schema.json
# cutover plan: the systems of one CRM migration and how to make it reversible.
# Reference: docs/plan.md in the cutover repository. Check it with: cutover check
`;

/** A starter plan to edit: every section explained, placeholders where the user must decide. */
export function starterPlan(): string {
  return `${HEADER}
version: 1

project:
  name: Our CRM migration          # shown in reports and messages
  owner: crm-admin@example.com     # who answers for this migration
  timezone: UTC                    # IANA zone for reports, e.g. Europe/Berlin

# Every CRM cutover touches, by name. Roles: source (the CRM being left),
# target (the new CRM), sandbox (copies for test restores and drills).
# Systems marked production are never written without explicit confirmation.
systems:
  legacy:
    role: source
    environment: production
    # sqlite:./crm.db, postgres://user@host:5432/db or mysql://user@host:3306/db
    url: postgres://crm_reader@db.example.internal:5432/crm
    # Secrets are never written here: env:NAME reads an environment variable,
    # file:PATH a file (relative to this plan).
    password: env:LEGACY_DB_PASSWORD
    # What the tables mean: generic, suitecrm or salesforce, or
    # { base: generic, users: {...}, relationships: [...] } to adjust one.
    profile: generic

  legacy-sandbox:
    role: sandbox
    sandboxOf: legacy
    url: sqlite:./sandboxes/legacy.db

  # The new CRM. Uncomment and point it at the target system.
  # crm:
  #   role: target
  #   environment: production
  #   url: postgres://crm_writer@new-crm.example.internal:5432/crm
  #   password: env:TARGET_DB_PASSWORD
  #   profile: generic

backup:
  storage: ./backups               # folder for encrypted backups
  key: env:CUTOVER_KEY             # encryption key, never in the plan
  retention:
    keep: 10                       # backups to keep per system

rollback:
  rto: 4h                          # how long a rollback may take
  mode: immediate                  # immediate (0-24 h) or delayed (1-7 days)

# How source records become target records, field by field; \`cutover check\`
# compares it with both systems. Uncomment once the target is named above.
# mapping:
#   users: { by: email }           # owners become the target user with the same email
#   objects:
#     - source: accounts
#       target: Account
#       fields:
#         Name: name
#         ParentId: { from: parent_id, lookup: accounts }
#         OwnerId: { from: owner_id, user: true }
#         Type: { from: account_type, map: { customer: Customer }, otherwise: Other }
`;
}

/** The demo's plan: a generated legacy CRM as source, a Salesforce-shaped CRM as target, SQLite sandboxes. */
export function demoPlan(options: { records: number; seed: number }): string {
  return `${HEADER}# Demo: generated with \`cutover init --demo\` (${options.records} records, seed ${options.seed}).

version: 1

project:
  name: Acme Corp — legacy CRM to Salesforce (demo)
  owner: revops@acme.example
  timezone: UTC

systems:
  legacy:
    role: source
    environment: production
    description: The in-house CRM Acme is leaving.
    url: sqlite:./legacy.db
    profile:
      base: generic
      # notes point at an account, contact, lead or opportunity, named by related_type.
      relationships:
        - from: notes.related_id
          typeColumn: related_type
          types: { account: accounts, contact: contacts, lead: leads, opportunity: opportunities }

  salesforce:
    role: target
    # A demo: in a real plan the new CRM is production, and cutover then asks for
    # --yes before writing it and refuses to simulate use in it.
    environment: sandbox
    description: The new CRM, Salesforce-shaped; has its users but no business records yet.
    url: sqlite:./salesforce.db
    profile: salesforce

  legacy-sandbox:
    role: sandbox
    sandboxOf: legacy
    url: sqlite:./sandboxes/legacy.db

  salesforce-sandbox:
    role: sandbox
    sandboxOf: salesforce
    url: sqlite:./sandboxes/salesforce.db

backup:
  storage: ./backups
  key: file:./secrets/backup.key   # made by init with a random key; keep it out of version control
  retention:
    keep: 10

rollback:
  rto: 4h
  mode: immediate

# How legacy records become Salesforce records (docs/plan.md, "mapping").
# \`cutover check\` compares it with both databases and lists every problem.
mapping:
  source: legacy
  target: salesforce
  users:
    by: email                      # owners become the Salesforce user with the same email
    fallback: ${demoFallbackUser(options.seed)}       # the head of sales gets the records of users not in Salesforce
  objects:
    - source: accounts
      target: Account
      deleted: migrate             # soft-deleted records too, flagged IsDeleted, so nothing is lost
      fields:
        IsDeleted: deleted
        Name: name
        Type:
          from: account_type
          map:
            prospect: Prospect
            customer: Customer - Direct
            channel: Customer - Channel
            partner: Channel Partner / Reseller
            competitor: Competitor
            other: Other
        ParentId: { from: parent_id, lookup: accounts }   # parents that come later are linked in a second pass
        BillingStreet: billing_street
        BillingCity: { from: billing_city, truncate: true }   # Salesforce keeps 40 characters
        BillingState: billing_state
        BillingPostalCode: billing_postal_code
        BillingCountry: country
        Phone: phone
        Fax: fax
        Website: website
        Industry: industry
        AnnualRevenue: annual_revenue
        NumberOfEmployees: employees
        Rating: rating
        Description: description
        Legacy_Id__c: id
        OwnerId: { from: owner_id, user: true }
        CreatedDate: created_at
        LastModifiedDate: updated_at

    - source: contacts
      target: Contact
      deleted: migrate
      fields:
        IsDeleted: deleted
        AccountId: { from: account_id, lookup: accounts }
        Salutation: salutation
        FirstName: { from: first_name, truncate: true }
        LastName: last_name
        Title: title
        Department: department
        Email: email
        Phone: phone
        MobilePhone: mobile
        Birthdate: birthdate
        LeadSource:
          from: lead_source
          map:
            web: Web
            phone: Phone Inquiry
            referral: Partner Referral
            list: Purchased List
            trade_show: Trade Show
            email: Email
            word_of_mouth: Word of Mouth
            other: Other
        DoNotCall: do_not_call
        HasOptedOutOfEmail: email_opt_out
        MailingStreet: mailing_street
        MailingCity: { from: mailing_city, truncate: true }
        MailingState: mailing_state
        MailingPostalCode: mailing_postal_code
        MailingCountry: mailing_country
        ReportsToId: { from: reports_to_id, lookup: contacts }
        Description: description
        Legacy_Id__c: id
        OwnerId: { from: owner_id, user: true }
        CreatedDate: created_at
        LastModifiedDate: updated_at

    - source: leads
      target: Lead
      deleted: migrate
      fields:
        IsDeleted: deleted
        FirstName: { from: first_name, truncate: true }
        LastName: last_name
        Company: company
        Title: title
        Email: email
        Phone: phone
        City: { from: city, truncate: true }
        Country: country
        Status:
          from: status
          map:
            new: Open - Not Contacted
            working: Working - Contacted
            nurturing: Working - Contacted
            qualified: Working - Contacted
            unqualified: Closed - Not Converted
            converted: Closed - Converted
        LeadSource:
          from: source
          map: { web: Web, phone: Phone Inquiry, referral: Partner Referral, list: Purchased List, trade_show: Trade Show, email: Email, word_of_mouth: Word of Mouth, other: Other }
        Industry: industry
        Rating: rating
        AnnualRevenue: annual_revenue
        NumberOfEmployees: employees
        Description: description
        IsConverted: { from: status, map: { converted: true }, otherwise: false }
        ConvertedDate: { from: converted_at, date: { timezone: America/New_York } }   # the day in the sales team's zone
        ConvertedAccountId: { from: converted_account_id, lookup: accounts }
        ConvertedContactId: { from: converted_contact_id, lookup: contacts }
        ConvertedOpportunityId: { from: converted_opportunity_id, lookup: opportunities }
        OwnerId: { from: owner_id, user: true }
        CreatedDate: created_at
        LastModifiedDate: updated_at

    - source: opportunities
      target: Opportunity
      deleted: migrate
      fields:
        IsDeleted: deleted
        AccountId: { from: account_id, lookup: accounts }
        ContactId: { from: primary_contact_id, lookup: contacts }
        Name: name
        StageName:
          from: stage
          map:
            prospecting: Prospecting
            qualification: Qualification
            proposal: Proposal/Price Quote
            negotiation: Negotiation/Review
            closed_won: Closed Won
            closed_lost: Closed Lost
        ForecastCategoryName:
          from: stage
          map: { prospecting: Pipeline, qualification: Pipeline, proposal: Best Case, negotiation: Commit, closed_won: Closed, closed_lost: Omitted }
        IsClosed: { from: stage, map: { closed_won: true, closed_lost: true }, otherwise: false }
        IsWon: { from: stage, map: { closed_won: true }, otherwise: false }
        Amount: amount
        CurrencyIsoCode: currency_code
        Probability: probability
        CloseDate: close_date
        Type: type
        LeadSource:
          from: lead_source
          map: { web: Web, phone: Phone Inquiry, referral: Partner Referral, list: Purchased List, trade_show: Trade Show, email: Email, word_of_mouth: Word of Mouth, other: Other }
        NextStep: next_step
        Description: description
        OwnerId: { from: owner_id, user: true }
        CreatedDate: created_at
        LastModifiedDate: updated_at

    # Calls, emails, meetings and to-dos all become Tasks (this Salesforce has no Event object).
    - source: activities
      target: Task
      deleted: migrate
      fields:
        IsDeleted: deleted
        Subject: subject
        TaskSubtype: { from: type, map: { call: Call, email: Email, meeting: Task, task: Task } }
        WhoId:                     # a contact, else a lead
          first:
            - { from: contact_id, lookup: contacts }
            - { from: lead_id, lookup: leads }
        WhatId:                    # an opportunity, else an account
          first:
            - { from: opportunity_id, lookup: opportunities }
            - { from: account_id, lookup: accounts }
        AccountId: { from: account_id, lookup: accounts }
        ActivityDate: { from: due_at, date: { timezone: America/New_York } }
        Status: { from: status, map: { open: Not Started, in_progress: In Progress, completed: Completed, cancelled: Deferred } }
        IsClosed: { from: status, map: { completed: true, cancelled: true }, otherwise: false }
        Priority: { from: priority, map: { high: High, normal: Normal, low: Low }, default: Normal }
        CallType: { from: direction, map: { inbound: Inbound, outbound: Outbound } }
        CallDurationInSeconds: { from: duration_minutes, scale: 60 }
        Description: body
        OwnerId: { from: owner_id, user: true }
        CreatedDate: created_at
        LastModifiedDate: updated_at

    - source: notes
      target: Note
      deleted: migrate
      fields:
        IsDeleted: deleted
        ParentId:
          from: related_id
          lookup:
            typeField: related_type
            objects: { account: accounts, contact: contacts, lead: leads, opportunity: opportunities }
        Title: { from: title, default: "(untitled)", truncate: true }
        Body: body
        IsPrivate: is_private
        OwnerId: { from: owner_id, user: true }
        CreatedDate: created_at
        LastModifiedDate: updated_at

# When to roll back (docs/plan.md, "triggers"): after go-live \`cutover watch\`
# measures these and recommends; \`cutover decide\` records the decision.
triggers:
  windows: { immediate: 24h, delayed: 7d }
  dataLoss: { severity: critical, missing: 0, corrupted: 0, deleted: 1% }
  probes:
    - name: open-opportunities-have-owner
      system: salesforce
      object: Opportunity
      where: { all: [{ field: OwnerId, isNull: true }, { field: IsClosed, equals: false }] }
      expect: { max: 0 }
    - name: new-leads-assigned
      system: salesforce
      severity: warning
      object: Lead
      where: { all: [{ field: OwnerId, isNull: true }, { field: CreatedDate, before: now-30m }] }
    # On the source: what \`cutover drill\` runs against the restored legacy CRM as a smoke test.
    - name: legacy-opportunities-have-account
      system: legacy
      object: opportunities
      where: { all: [{ field: account_id, isNull: true }, { field: deleted, equals: false }] }
      expect: { max: 0 }
  # integrations:
  #   - name: billing-api
  #     url: https://billing.example.com/health
  #     maxLatency: 2s
  #     body: '"status": *"ok"'
  adoption: { min: 50%, after: 3d, within: 7d }
  security: { newAdmins: true, findings: critical }

# Who is told what, when (docs/plan.md, "communications"). Every message is
# kept as a file in outbox/; \`cutover notify <moment|template> --preview\`
# shows it with today's facts. The templates are in templates/ to edit.
communications:
  audiences:
    team: { description: everyone who works in the CRM }
    management: { description: the sponsors of the migration }
    customers:
      description: customers of the customer-facing teams
      requires_approval: true      # waits in the outbox for \`cutover notify approve <id>\`
  # To send email and chat as well, name the server and the channels, then
  # add addresses and channels to the audiences (team: { email: [...], chat: [team-chat] }):
  # email:
  #   host: smtp.example.com
  #   port: 587                    # STARTTLS, required by default
  #   from: "CRM migration <crm-migration@example.com>"
  #   user: crm-migration@example.com
  #   password: env:SMTP_PASSWORD
  # chat:
  #   team-chat: { kind: slack, url: env:SLACK_WEBHOOK_URL }
  #   management-chat: { kind: teams, url: env:TEAMS_WEBHOOK_URL }
  contacts:
    - { name: Dana Whitfield, role: migration lead, email: dana.whitfield@example.com, phone: +1 555 0100 }
`;
}
