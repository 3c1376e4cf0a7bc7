/**
 * The CRM's users (the sales team, not the customers) and their logins over
 * the 90 days before "now". The same seed gives the same people with the
 * same e-mail addresses in every shape, so a migration can map owners by
 * e-mail. Users are few (hundreds, at most tens of thousands), so they are
 * kept in memory; logins are streamed.
 */
import { DAY, MINUTE } from './moments.js';
import { Rng, hash32, rngFor, tagOf } from './random.js';
import { ipAddress, person, type Person } from './vocabulary/people.js';
import { USER_AGENTS } from './vocabulary/texts.js';

/** What a user does in the CRM. */
export type StaffRole = 'admin' | 'manager' | 'sales' | 'support' | 'marketing' | 'read_only';

/** One user of the CRM. */
export interface StaffUser {
  index: number;
  person: Person;
  /** ASCII, unique: `zlukasiewicz`. */
  username: string;
  /** Unique: `zoe.lukasiewicz@brightwave.example`. */
  email: string;
  /** Eight characters at most (Salesforce's Alias). */
  alias: string;
  role: StaffRole;
  isAdmin: boolean;
  title: string;
  department: string;
  /** `locked` users are active but may not log in (frozen). */
  status: 'active' | 'inactive' | 'locked';
  timeZone: string;
  offsetMinutes: number;
  locale: string;
  /** The user's manager (a lower index), or null. */
  manager: number | null;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
  /** Chance of logging in on a workday during the window; 0 for inactive users and those who never log in. */
  loginRate: number;
  /** Logins stop here (the moment a locked user was locked; otherwise "now"). */
  loginsUntil: number;
}

/** One login attempt. */
export interface Login {
  user: number;
  at: number;
  success: boolean;
  ip: string;
  userAgent: string;
}

/** Days of login history before "now". */
export const LOGIN_WINDOW_DAYS = 90;

const T_STAFF = tagOf('staff');
const T_LOGINS = tagOf('staff.logins');
const T_DOMAIN = tagOf('staff.domain');
const DOMAINS = ['brightwave.example', 'northwind-traders.example', 'summit-analytics.example', 'keystone-supply.example', 'meridian-labs.example'];

const TITLES: Record<StaffRole, readonly string[]> = {
  admin: ['CRM Administrator', 'Salesforce Administrator', 'IT Systems Administrator'],
  manager: ['Sales Manager', 'Regional Sales Director', 'Head of Customer Success'],
  sales: ['Account Executive', 'Sales Representative', 'Business Development Rep', 'Key Account Manager', 'Inside Sales Rep'],
  support: ['Support Agent', 'Customer Success Manager', 'Support Engineer'],
  marketing: ['Marketing Specialist', 'Campaign Manager', 'Marketing Operations'],
  read_only: ['Finance Analyst', 'Executive Assistant', 'Auditor'],
};
const DEPARTMENT: Record<StaffRole, string> = {
  admin: 'IT',
  manager: 'Sales',
  sales: 'Sales',
  support: 'Customer Success',
  marketing: 'Marketing',
  read_only: 'Finance',
};

/** The e-mail domain of the company using the CRM. */
export function staffDomain(base: number): string {
  return DOMAINS[hash32(base, T_DOMAIN, 0) % DOMAINS.length] as string;
}

/**
 * The users of the CRM: one or two administrators (user 0, and user 13 in
 * teams of 14 or more), a head of sales (user 1) and managers (users 11,
 * 21…), then sales, support, marketing and read-only users; about 13%
 * inactive and 5% locked; a few who never logged in. User `u` is the same
 * person whatever `count` is.
 */
export function staffUsers(base: number, count: number, asOf: number): StaffUser[] {
  const domain = staffDomain(base);
  const usernames = new Map<string, number>();
  const emails = new Map<string, number>();
  const unique = (taken: Map<string, number>, value: string, at: (n: number) => string): string => {
    const seen = taken.get(value) ?? 0;
    taken.set(value, seen + 1);
    return seen === 0 ? value : at(seen + 1);
  };
  const span = 6 * 365 * DAY;
  const users: StaffUser[] = [];
  for (let u = 0; u < count; u += 1) {
    const rng = rngFor(base, T_STAFF, u);
    const p = person(rng);
    // Everything about user u depends on u alone, not on how many users there are,
    // so a CRM generated with fewer users has the same first people.
    const isAdmin = u === 0 || u === 13;
    const role: StaffRole = isAdmin
      ? 'admin'
      : u % 10 === 1
        ? 'manager'
        : rng.weighted<StaffRole>([['sales', 60], ['support', 20], ['marketing', 15], ['read_only', 5]]);
    const status: StaffUser['status'] = isAdmin || u === 1 ? 'active' : rng.weighted<StaffUser['status']>([['active', 82], ['inactive', 13], ['locked', 5]]);
    const [timeZone, offsetMinutes] = rng.pick(p.culture.zones);
    // A growing company: the first users joined six years ago, later ones ever more recently.
    const createdAt = Math.floor((asOf - (span - 5 * DAY) * Math.exp(-u / 120) - 5 * DAY + rng.int(3 * DAY)) / 1000) * 1000;
    const recentHire = asOf - createdAt < 30 * DAY;
    const neverLogs = status === 'inactive' || (recentHire && rng.chance(0.5)) || (!isAdmin && rng.chance(0.05));
    const loginsUntil = status === 'locked' ? asOf - rng.between(3, 60) * DAY - rng.int(DAY) : asOf;
    const userBase = `${p.firstAscii.charAt(0)}${p.lastAscii}`.slice(0, 30) || `user${u}`;
    const local = `${p.firstAscii}.${p.lastAscii}`.replace(/[^a-z0-9.]/g, '');
    // Managers are users 1, 11, 21…; user 1 heads sales, the others report to a manager with a lower index.
    const manager = u <= 1 ? null : role === 'manager' || isAdmin ? 1 : 1 + 10 * (hash32(base, T_STAFF, u, 3) % (Math.floor((u - 2) / 10) + 1));
    users.push({
      index: u,
      person: p,
      username: unique(usernames, userBase, (n) => `${userBase}${n}`),
      email: unique(emails, `${local}@${domain}`, (n) => `${local}${n}@${domain}`),
      alias: userBase.slice(0, 8),
      role,
      isAdmin,
      title: rng.pick(TITLES[role]),
      department: DEPARTMENT[role],
      status,
      timeZone,
      offsetMinutes,
      locale: p.culture.locale,
      manager,
      createdAt,
      updatedAt: createdAt + Math.floor(rng.next() * (asOf - createdAt) / 1000) * 1000,
      lastLoginAt: null,
      loginRate: neverLogs ? 0 : 0.25 + rng.next() * 0.7,
      loginsUntil,
    });
  }
  // Logins decide the last login; inactive users last logged in before the window, if ever.
  for (const login of logins(base, users, asOf)) {
    const user = users[login.user] as StaffUser;
    if (login.success) user.lastLoginAt = login.at;
  }
  for (const user of users) {
    if (user.status === 'inactive') {
      const rng = rngFor(base, T_STAFF, user.index + 0x100000);
      user.lastLoginAt = rng.chance(0.25) ? null : Math.max(user.createdAt, asOf - rng.between(LOGIN_WINDOW_DAYS + 1, 900) * DAY - rng.int(DAY));
    }
  }
  return users;
}

/** Login attempts in the window (only successful ones with `successOnly`), for progress totals. */
export function countLogins(base: number, users: readonly StaffUser[], asOf: number, successOnly: boolean): number {
  let count = 0;
  for (const login of logins(base, users, asOf)) if (login.success || !successOnly) count += 1;
  return count;
}

/**
 * Every login attempt in the window, in time order (by day, then by moment):
 * mornings and some afternoons in the user's own time zone, rarely at
 * weekends, a few mistyped passwords, and failed attempts after a lock.
 * Memory: one small PRNG per user.
 */
export function* logins(base: number, users: readonly StaffUser[], asOf: number): Generator<Login> {
  const rngs = users.map((user) => new Rng(hash32(base, T_LOGINS, user.index)));
  const usual = users.map((user) => {
    const rng = rngs[user.index] as Rng;
    return { ip: ipAddress(rng), agent: rng.pick(USER_AGENTS) };
  });
  // Local mornings east of UTC fall on the previous UTC day: hold back what the next day could still precede.
  let pending: Login[] = [];
  const byTime = (a: Login, b: Login): number => a.at - b.at || a.user - b.user;
  for (let d = LOGIN_WINDOW_DAYS; d >= 1; d -= 1) {
    const dayStart = asOf - d * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const day = pending;
    for (const user of users) {
      const rng = rngs[user.index] as Rng;
      const draw = rng.next();
      if (user.status === 'locked' && dayStart <= user.loginsUntil && user.loginsUntil < dayStart + DAY) {
        // The lock: a few failed attempts right after it.
        for (let k = 0, n = 2 + rng.int(3); k < n; k += 1) {
          day.push({ user: user.index, at: user.loginsUntil + (k + 1) * 47_000, success: false, ip: usual[user.index]!.ip, userAgent: usual[user.index]!.agent });
        }
      }
      const rate = weekday === 0 || weekday === 6 ? user.loginRate * 0.08 : user.loginRate;
      if (draw >= rate) continue;
      const sessions = rng.chance(0.3) ? 2 : 1;
      for (let s = 0; s < sessions; s += 1) {
        const localMinute = s === 0 ? rng.between(7 * 60, 10 * 60) : rng.between(13 * 60, 17 * 60 + 30);
        const at = dayStart + (localMinute - user.offsetMinutes) * MINUTE + rng.int(60) * 1000;
        const away = rng.chance(0.1);
        const ip = away ? ipAddress(rng) : usual[user.index]!.ip;
        const userAgent = away ? rng.pick(USER_AGENTS) : usual[user.index]!.agent;
        if (at >= user.loginsUntil || at < user.createdAt || at >= asOf) continue;
        if (rng.chance(0.03)) day.push({ user: user.index, at: at - rng.between(20, 120) * 1000, success: false, ip, userAgent });
        day.push({ user: user.index, at, success: true, ip, userAgent });
      }
    }
    day.sort(byTime);
    const bound = dayStart + DAY - 14 * 60 * MINUTE;
    const ready = day.findIndex((login) => login.at >= bound);
    pending = ready < 0 ? [] : day.slice(ready);
    yield* ready < 0 ? day : day.slice(0, ready);
  }
  yield* pending;
}
