/** Company names in the styles of each region, with an ASCII slug for web and e-mail domains. */
import type { Rng } from '../random.js';
import { asciiOf, type Culture, type Name } from './cultures.js';

const WORDS = [
  'Acme', 'Northwind', 'Blue Ridge', 'Summit', 'Pioneer', 'Evergreen', 'Redwood', 'Harbor', 'Atlas', 'Granite', 'Silverline', 'Keystone',
  'Lakeside', 'Beacon', 'Crescent', 'Ironclad', 'Maple', 'Orchard', 'Pinnacle', 'Quantum', 'Riverbend', 'Sterling', 'Trident', 'Vanguard',
  'Westfield', 'Apex', 'Brightwave', 'Cobalt', 'Delta', 'Everest', 'Falcon', 'Golden Gate', 'Horizon', 'Juniper', 'Lighthouse', 'Meridian',
];
const TRADES = [
  'Logistics', 'Analytics', 'Health', 'Foods', 'Energy', 'Systems', 'Partners', 'Manufacturing', 'Software', 'Capital', 'Media', 'Dynamics',
  'Labs', 'Supply', 'Consulting', 'Robotics', 'Outfitters', 'Insurance', 'Properties', 'Telecom', 'Biotech', 'Freight', 'Solar', 'Foods & Beverage',
];
const SUFFIXES_EN = ['Inc.', 'LLC', 'Corp.', 'Ltd', 'Group', '& Co.', 'Holdings', 'Inc', 'Corporation', ''];

const DE_TRADES = ['Maschinenbau', 'Logistik', 'Brauerei', 'Elektrotechnik', 'Versicherungen', 'Bäckerei', 'Stahlwerke', 'Fördertechnik', 'Gebäudetechnik'];
const FR_TRADES = ['Boulangerie', 'Éditions', 'Transports', 'Ateliers', 'Société Générale de Négoce', 'Cabinet', 'Maison'];
const ES_TRADES = ['Construcciones', 'Distribuciones', 'Transportes', 'Grupo', 'Alimentación', 'Ingeniería'];
const PL_TRADES = ['Zakłady Mięsne', 'Przedsiębiorstwo Handlowe', 'Hurtownia', 'Fabryka Mebli', 'Biuro Rachunkowe'];
const BR_TRADES = ['Comércio', 'Indústrias', 'Transportes', 'Construtora', 'Alimentos'];
const JP_TRADES: Name[] = [
  ['製作所', 'seisakusho'],
  ['商事', 'shoji'],
  ['電機', 'denki'],
  ['物産', 'bussan'],
  ['工業', 'kogyo'],
  ['システムズ', 'systems'],
];
const CN_COMPANIES: Name[] = [
  ['上海星光贸易有限公司', 'xingguang-trading'],
  ['北京华泰科技有限公司', 'huatai-tech'],
  ['深圳云端网络科技有限公司', 'yunduan-network'],
  ['杭州绿叶茶业有限公司', 'lvye-tea'],
  ['广州远航物流有限公司', 'yuanhang-logistics'],
  ['Shenzhen Bright Future Electronics Co., Ltd.', 'bright-future-electronics'],
];
const AR_COMPANIES: Name[] = [
  ['شركة النور للتجارة', 'alnoor-trading'],
  ['مجموعة الفجر القابضة', 'alfajr-holding'],
  ['مؤسسة الأمل للمقاولات', 'alamal-contracting'],
  ['Gulf Star Trading LLC', 'gulf-star-trading'],
  ['دار الخليج للنشر', 'dar-alkhaleej'],
  ['Nile Valley Foods S.A.E.', 'nile-valley-foods'],
];
const IL_COMPANIES: Name[] = [
  ['כהן ושות׳', 'cohen-co'],
  ['מערכות הגליל בע״מ', 'galil-systems'],
  ['Negev Water Technologies Ltd.', 'negev-water'],
];
const IN_TRADES = ['Industries Pvt. Ltd.', 'Infotech', 'Traders', 'Textiles Ltd.', 'Pharma', 'Consultancy Services', 'Exports'];
const NORDIC_TRADES = ['AB', 'A/S', 'AS', 'Konsult AB', 'Byggnads AB', 'ehf.'];
const EMOJI = ['🚀', '☕', '🌸', '🐟', '⚡', '🍺', '🌿'];

function join(parts: Array<string | undefined>): string {
  return parts.filter((part) => part !== undefined && part !== '').join(' ');
}

/** A slug for a domain: ASCII words joined by hyphens, at most 40 characters. */
export function slugOf(ascii: string): string {
  return (
    ascii
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/&/g, 'and')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/g, '') || 'company'
  );
}

/** A company name from the culture: `[display, ascii]`. */
export function companyName(rng: Rng, culture: Culture): Name {
  const family = rng.pick(culture.family);
  const word = rng.pick(WORDS);
  let name: Name;
  switch (culture.code) {
    case 'DE': {
      const trade = rng.pick(DE_TRADES);
      name = rng.chance(0.3)
        ? [`${family[0]} & Söhne GmbH`, `${family[1]} soehne`]
        : [join([family[0], trade, rng.pick(['GmbH', 'AG', 'GmbH & Co. KG', 'KG'])]), `${family[1]} ${asciiOf(trade)}`];
      break;
    }
    case 'FR': {
      const trade = rng.pick(FR_TRADES);
      name = rng.chance(0.3)
        ? [`${family[0]} et Fils`, `${family[1]} et fils`]
        : [join([trade, family[0], rng.pick(['SARL', 'SAS', 'S.A.', ''])]), `${asciiOf(trade)} ${family[1]}`];
      break;
    }
    case 'ES': {
      const trade = rng.pick(ES_TRADES);
      name = rng.chance(0.3)
        ? [`${family[0]} y Asociados S.L.`, `${family[1]} asociados`]
        : [join([trade, family[0], rng.pick(['S.A.', 'S.L.', 'S.A. de C.V.'])]), `${asciiOf(trade)} ${family[1]}`];
      break;
    }
    case 'PL': {
      if (rng.chance(0.4)) {
        const region = rng.pick(['Łódź', 'Wisła', 'Mazowsze', 'Bałtyk']);
        const trade = rng.pick(TRADES);
        name = [`${region} ${trade} Sp. z o.o.`, `${asciiOf(region)} ${trade}`];
      } else {
        const trade = rng.pick(PL_TRADES);
        name = [`${trade} „${family[0]}” S.A.`, `${asciiOf(trade)} ${family[1]}`];
      }
      break;
    }
    case 'BR': {
      const trade = rng.pick(BR_TRADES);
      name = [join([trade, family[0], rng.pick(['Ltda.', 'S.A.', 'EIRELI'])]), `${asciiOf(trade)} ${family[1]}`];
      break;
    }
    case 'JP': {
      const trade = rng.pick(JP_TRADES);
      name = rng.chance(0.5) ? [`株式会社${family[0]}${trade[0]}`, `${family[1]} ${trade[1]}`] : [`${family[0]}${trade[0]}株式会社`, `${family[1]} ${trade[1]}`];
      break;
    }
    case 'CN':
      name = rng.pick(CN_COMPANIES);
      break;
    case 'AR':
      name = rng.pick(AR_COMPANIES);
      break;
    case 'IL':
      name = rng.pick(IL_COMPANIES);
      break;
    case 'IN': {
      const trade = rng.pick(IN_TRADES);
      name = rng.chance(0.3) ? [`Shree ${word} ${trade}`, `shree ${word} ${trade}`] : [`${family[0]} ${trade}`, `${family[1]} ${trade}`];
      break;
    }
    case 'NORDIC':
      name = [`${rng.pick(['Nordisk', 'Svensk', 'Dansk', family[0]])} ${rng.pick(TRADES)} ${rng.pick(NORDIC_TRADES)}`, `${family[1]} ${rng.pick(TRADES)}`];
      break;
    default: {
      const trade = rng.pick(TRADES);
      name = rng.chance(0.2)
        ? [join([`${family[0]} ${rng.pick(['Brothers', '& Sons', 'Family'])}`, rng.pick(SUFFIXES_EN)]), `${family[1]} ${trade}`]
        : [join([word, trade, rng.pick(SUFFIXES_EN)]), `${word} ${trade}`];
    }
  }
  if (rng.chance(0.006)) name = [`${name[0]} ${rng.pick(EMOJI)}`, name[1]];
  return [name[0].replace(/\s+/g, ' ').trim(), name[1]];
}

/**
 * A name that looks like the same company typed differently (`ACME Corp` vs
 * `Acme Corp.` vs `Acme Corporation`): the duplicates a CRM admin has to
 * tell apart from real ones.
 */
export function lookalikeName(rng: Rng, name: string): string {
  switch (rng.int(5)) {
    case 0:
      return name.toUpperCase();
    case 1:
      return name.endsWith('.') ? name.slice(0, -1) : `${name}.`;
    case 2: {
      const long: Record<string, string> = { 'Inc.': 'Incorporated', Inc: 'Incorporated', 'Corp.': 'Corporation', Ltd: 'Limited', LLC: 'L.L.C.', GmbH: 'G.m.b.H.' };
      const suffix = Object.keys(long).find((candidate) => name.endsWith(` ${candidate}`));
      return suffix ? `${name.slice(0, -suffix.length)}${long[suffix]}` : `${name} Inc`;
    }
    case 3:
      // A double space or a swapped ampersand: invisible in a list view, distinct in the database.
      return name.includes(' & ') ? name.replace(' & ', ' and ') : name.replace(' ', '  ');
    default:
      return `${name} - ${rng.pick(['EMEA', 'US', 'HQ', 'Subsidiary', 'Branch'])}`;
  }
}

/** Salesforce's standard Account industries (also used by the other shapes). */
export const INDUSTRIES = [
  'Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction', 'Consulting', 'Education',
  'Electronics', 'Energy', 'Engineering', 'Entertainment', 'Environmental', 'Finance', 'Food & Beverage', 'Government', 'Healthcare',
  'Hospitality', 'Insurance', 'Machinery', 'Manufacturing', 'Media', 'Not For Profit', 'Recreation', 'Retail', 'Shipping', 'Technology',
  'Telecommunications', 'Transportation', 'Utilities', 'Other',
] as const;

/** What an opportunity sells. */
export const DEALS = [
  'Enterprise License', 'Renewal', 'Expansion', 'Pilot', 'Implementation Services', 'Support Upgrade', 'Annual Subscription',
  'Hardware Refresh', 'Training Package', 'Multi-year Agreement', 'Add-on Seats', 'Managed Services', 'Proof of Concept',
];
