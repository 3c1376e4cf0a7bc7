/** The text of the plans `cutover init` writes: a commented starter, and the demo's complete plan. */

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
    environment: production
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
`;
}
