/**
 * Where the people and companies of a generated CRM come from: names in their
 * own scripts (accents, CJK, Arabic and Hebrew, right to left), cities,
 * street and phone formats, time zones, and the inconsistent country
 * spellings real CRM data has.
 */

/** A name as written, and its ASCII form for e-mail addresses and usernames. */
export type Name = readonly [display: string, ascii: string];

/** One region's vocabulary. */
export interface Culture {
  code: string;
  /** Relative share of people and companies from here. */
  weight: number;
  /** Spellings of the country as people type them, by weight. */
  countries: ReadonlyArray<readonly [string, number]>;
  /** IANA time zones with their standard UTC offset in minutes. */
  zones: ReadonlyArray<readonly [string, number]>;
  /** Family name first (Japanese, Chinese, Vietnamese…). */
  familyFirst: boolean;
  /** Salesforce-style locale, e.g. `en_US`. */
  locale: string;
  given: readonly Name[];
  family: readonly Name[];
  /** City, state or region (or null), postal code pattern (`#` digit, `@` letter). */
  cities: ReadonlyArray<readonly [string, string | null, string]>;
  /** Street patterns: `#` is a digit. */
  streets: readonly string[];
  /** Phone patterns, several formats as typed. */
  phones: readonly string[];
}

const ASCII_EXTRA: Record<string, string> = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', đ: 'd', Đ: 'D', ı: 'i', þ: 'th' };

/** ASCII letters and digits of a Latin-script name: `Zoë Łukasiewicz` → `zoelukasiewicz`. */
export function asciiOf(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[łŁøØßæÆœđĐıþ]/g, (char) => ASCII_EXTRA[char] ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Names given as `display` (Latin script) or `display/ascii` (other scripts). */
function names(list: string): Name[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [display, ascii] = entry.split('/') as [string, string | undefined];
      return [display, ascii ?? asciiOf(display)] as const;
    });
}

/** Every culture the generator draws from. */
export const CULTURES: readonly Culture[] = [
  {
    code: 'US',
    weight: 30,
    countries: [['United States', 7], ['USA', 2], ['US', 1]],
    zones: [['America/New_York', -300], ['America/Chicago', -360], ['America/Denver', -420], ['America/Los_Angeles', -480]],
    familyFirst: false,
    locale: 'en_US',
    given: names('James, Mary, Robert, Patricia, John, Jennifer, Michael, Linda, David, Elizabeth, William, Barbara, Jon, Sarah, Chris, Jessica, Daniel, Karen, Matthew, Nancy, Anthony, Lisa, Mark, Betty, DeShawn, Aaliyah, Tyler, Madison, Kevin, Emily'),
    family: names("Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, Thomas, Moore, Jackson, Martin, Lee, Thompson, White, Harris, Clark, O'Brien, McDonald, Van Buren, Smith-Jones, Washington, Nguyen"),
    cities: [
      ['New York', 'NY', '100##'],
      ['San Francisco', 'CA', '941##'],
      ['Austin', 'TX', '787##'],
      ['Chicago', 'IL', '606##'],
      ['Seattle', 'WA', '981##'],
      ['Boston', 'MA', '021##'],
      ['Denver', 'CO', '802##'],
      ['Atlanta', 'GA', '303##'],
      ['Miami', 'FL', '331##'],
      ['Portland', 'OR', '972##'],
    ],
    streets: ['## Main Street', '### Market St', '#### Oak Avenue\nSuite ###', '## Broadway, Floor #', '#### Pine Street', '### Elm St., Apt. #B', 'P.O. Box ####'],
    phones: ['+1 (###) 555-01##', '(###) 555-01##', '###-555-01## x###', '+1 ### 555 01##', '###.555.01##'],
  },
  {
    code: 'GB',
    weight: 8,
    countries: [['United Kingdom', 6], ['UK', 3], ['Great Britain', 1]],
    zones: [['Europe/London', 0]],
    familyFirst: false,
    locale: 'en_GB',
    given: names('Oliver, Amelia, Harry, Isla, George, Ava, Noah, Emily, Jack, Sophie, Siobhan, Rhys, Aoife, Callum'),
    family: names("Smith, Jones, Taylor, Brown, Williams, Wilson, Evans, Thomas, Roberts, Walker, O'Connor, ffrench, Davies"),
    cities: [
      ['London', null, 'SW1A #@@'],
      ['Manchester', null, 'M# #@@'],
      ['Edinburgh', 'Scotland', 'EH# #@@'],
      ['Bristol', null, 'BS# #@@'],
      ['Leeds', null, 'LS# #@@'],
    ],
    streets: ['## High Street', '# Abbey Road', 'Flat #, ## Victoria Road', 'Unit ##, Riverside Business Park'],
    phones: ['+44 20 7946 0###', '020 7946 0###', '+44 161 496 0###', '0113 496 0###'],
  },
  {
    code: 'DE',
    weight: 8,
    countries: [['Germany', 6], ['Deutschland', 3], ['DE', 1]],
    zones: [['Europe/Berlin', 60]],
    familyFirst: false,
    locale: 'de_DE',
    given: names('Lukas, Anna, Jürgen, Sophie, Maximilian, Lea, Jörg, Hannah, Felix, Müge, Björn, Käthe, Uwe, Greta'),
    family: names('Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schäfer, Koch, Größer, Weiß, Hoffmann, von Bülow'),
    cities: [
      ['Berlin', 'Berlin', '10###'],
      ['München', 'Bayern', '80###'],
      ['Hamburg', 'Hamburg', '20###'],
      ['Köln', 'Nordrhein-Westfalen', '50###'],
      ['Düsseldorf', 'Nordrhein-Westfalen', '40###'],
      ['Stuttgart', 'Baden-Württemberg', '70###'],
    ],
    streets: ['Hauptstraße ##', 'Königsallee ##a', 'Friedrichstraße ###', 'Am Südpark #', 'Große Elbstraße ##'],
    phones: ['+49 30 #######', '+49 (0)89 ######', '030 ########', '+49 221 ### ####-##'],
  },
  {
    code: 'FR',
    weight: 6,
    countries: [['France', 9], ['FR', 1]],
    zones: [['Europe/Paris', 60]],
    familyFirst: false,
    locale: 'fr_FR',
    given: names('Zoë, François, Hélène, Jérôme, Chloé, Léa, Benoît, Margaux, Noël, Anaïs, Théo, Céline, Gaëlle'),
    family: names('Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Lefèvre, Moreau, Girard, Lemaître, Besançon'),
    cities: [
      ['Paris', 'Île-de-France', '750##'],
      ['Lyon', 'Auvergne-Rhône-Alpes', '6900#'],
      ['Marseille', "Provence-Alpes-Côte d'Azur", '130##'],
      ['Toulouse', 'Occitanie', '310##'],
      ['Nantes', 'Pays de la Loire', '440##'],
    ],
    streets: ['## rue de la Paix', '# place de la Bourse', '## avenue des Champs-Élysées', '### boulevard Saint-Germain', '# quai de Bercy'],
    phones: ['+33 1 ## ## ## ##', '01 ## ## ## ##', '+33 (0)4 ## ## ## ##'],
  },
  {
    code: 'ES',
    weight: 6,
    countries: [['Spain', 5], ['España', 3], ['Mexico', 2]],
    zones: [['Europe/Madrid', 60], ['America/Mexico_City', -360]],
    familyFirst: false,
    locale: 'es_ES',
    given: names('José, María, Lucía, Alejandro, Sofía, Martín, Ángel, Begoña, Íñigo, Valentina, Mateo, Nuria'),
    family: names('García, Fernández, González, Rodríguez, López, Martínez, Sánchez, Pérez, Núñez, Muñoz, Peña, García Márquez'),
    cities: [
      ['Madrid', 'Madrid', '280##'],
      ['Barcelona', 'Cataluña', '080##'],
      ['Sevilla', 'Andalucía', '410##'],
      ['Ciudad de México', 'CDMX', '06###'],
      ['Guadalajara', 'Jalisco', '44###'],
    ],
    streets: ['Calle Mayor, ##', 'Avenida de la Constitución ##, #º', 'Paseo de la Castellana ###', 'Calle de Alcalá ##, 3º B'],
    phones: ['+34 91 ### ## ##', '+34 6## ### ###', '+52 55 #### ####'],
  },
  {
    code: 'PL',
    weight: 4,
    countries: [['Poland', 6], ['Polska', 4]],
    zones: [['Europe/Warsaw', 60]],
    familyFirst: false,
    locale: 'pl_PL',
    given: names('Zoë, Łukasz, Małgorzata, Paweł, Agnieszka, Wojciech, Zofia, Jędrzej, Katarzyna, Michał, Żaneta'),
    family: names('Łukasiewicz, Kowalski, Nowak, Wiśniewska, Wójcik, Kamiński, Lewandowska, Zieliński, Szymański, Dąbrowska, Kaczmarek'),
    cities: [
      ['Warszawa', 'mazowieckie', '00-###'],
      ['Kraków', 'małopolskie', '30-###'],
      ['Łódź', 'łódzkie', '90-###'],
      ['Wrocław', 'dolnośląskie', '50-###'],
      ['Gdańsk', 'pomorskie', '80-###'],
    ],
    streets: ['ul. Marszałkowska ##', 'ul. Piotrkowska ###/#', 'al. Jerozolimskie ##', 'ul. Świętokrzyska #'],
    phones: ['+48 22 ### ## ##', '+48 ### ### ###', '22 ### ## ##'],
  },
  {
    code: 'BR',
    weight: 5,
    countries: [['Brazil', 6], ['Brasil', 4]],
    zones: [['America/Sao_Paulo', -180]],
    familyFirst: false,
    locale: 'pt_BR',
    given: names('João, Ana, Luíza, Gabriel, Mariana, Pedro, Letícia, Thiago, Conceição, Caio, Júlia'),
    family: names('Silva, Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira, Gonçalves, Araújo, Simões'),
    cities: [
      ['São Paulo', 'SP', '01###-###'],
      ['Rio de Janeiro', 'RJ', '20###-###'],
      ['Belo Horizonte', 'MG', '30###-###'],
      ['Curitiba', 'PR', '80###-###'],
    ],
    streets: ['Av. Paulista, ####', 'Rua Augusta, ###, conj. ##', 'Rua das Flores, ##', 'Av. Atlântica, ####'],
    phones: ['+55 11 9####-####', '(11) ####-####', '+55 21 ####-####'],
  },
  {
    code: 'JP',
    weight: 6,
    countries: [['Japan', 7], ['日本', 3]],
    zones: [['Asia/Tokyo', 540]],
    familyFirst: true,
    locale: 'ja_JP',
    given: names('太郎/taro, 花子/hanako, 健太/kenta, 陽菜/hina, 翔/sho, さくら/sakura, 大輔/daisuke, 美咲/misaki, 蓮/ren, 結衣/yui'),
    family: names('山田/yamada, 佐藤/sato, 鈴木/suzuki, 高橋/takahashi, 田中/tanaka, 渡辺/watanabe, 伊藤/ito, 中村/nakamura, 小林/kobayashi'),
    cities: [
      ['東京都千代田区', '東京都', '100-####'],
      ['大阪市北区', '大阪府', '530-####'],
      ['横浜市', '神奈川県', '220-####'],
      ['Nagoya', 'Aichi', '450-####'],
      ['札幌市', '北海道', '060-####'],
    ],
    streets: ['丸の内#-#-#', '梅田#丁目#番#号', 'Shibuya #-##-#, Shibuya Hikarie ##F', '大手町#-#-# 大手町ビル#階'],
    phones: ['+81 3-####-####', '03-####-####', '+81 6 #### ####', '090-####-####'],
  },
  {
    code: 'CN',
    weight: 5,
    countries: [['China', 6], ['中国', 2], ["People's Republic of China", 2]],
    zones: [['Asia/Shanghai', 480]],
    familyFirst: true,
    locale: 'zh_CN',
    given: names('伟/wei, 芳/fang, 娜/na, 秀英/xiuying, 敏/min, 静/jing, 磊/lei, 洋/yang, 婷/ting, 浩然/haoran'),
    family: names('王/wang, 李/li, 张/zhang, 刘/liu, 陈/chen, 杨/yang, 黄/huang, 赵/zhao, 吴/wu, 周/zhou'),
    cities: [
      ['上海', '上海市', '200###'],
      ['北京', '北京市', '100###'],
      ['Shenzhen', 'Guangdong', '518###'],
      ['杭州', '浙江省', '310###'],
    ],
    streets: ['南京西路###号', '建国门外大街#号 国贸大厦##层', 'Keyuan Road ##, Nanshan District'],
    phones: ['+86 21 #### ####', '+86 138 #### ####', '010-########'],
  },
  {
    code: 'AR',
    weight: 4,
    countries: [['Egypt', 3], ['مصر', 1], ['United Arab Emirates', 3], ['UAE', 2], ['Saudi Arabia', 2]],
    zones: [['Africa/Cairo', 120], ['Asia/Dubai', 240], ['Asia/Riyadh', 180]],
    familyFirst: false,
    locale: 'ar_EG',
    given: names('محمد/mohamed, فاطمة/fatima, أحمد/ahmed, مريم/maryam, علي/ali, نور/nour, يوسف/youssef, ليلى/layla, Omar, Rania'),
    family: names('حسن/hassan, السيد/elsayed, عبد الله/abdullah, منصور/mansour, الخطيب/alkhatib, Haddad, Khalil, Al-Farsi'),
    cities: [
      ['القاهرة', null, '11###'],
      ['Dubai', null, '#####'],
      ['الرياض', null, '1####'],
      ['Alexandria', null, '21###'],
    ],
    streets: ['شارع التحرير ##', 'Sheikh Zayed Road, Tower ##, Office ####', 'طريق الملك فهد، مبنى ##'],
    phones: ['+20 2 #### ####', '+971 4 ### ####', '+966 11 ### ####'],
  },
  {
    code: 'IL',
    weight: 2,
    countries: [['Israel', 9], ['ישראל', 1]],
    zones: [['Asia/Jerusalem', 120]],
    familyFirst: false,
    locale: 'iw_IL',
    given: names('דוד/david, שרה/sara, יוסי/yossi, נועה/noa, Avi, Tamar, אורי/ori'),
    family: names('כהן/cohen, לוי/levi, מזרחי/mizrahi, פרץ/peretz, Biton, Friedman'),
    cities: [
      ['תל אביב-יפו', null, '6######'],
      ['Haifa', null, '3######'],
      ['ירושלים', null, '9######'],
    ],
    streets: ['רחוב הרצל ##', 'Rothschild Blvd ##', 'דרך מנחם בגין ###'],
    phones: ['+972 3-###-####', '+972 5#-###-####'],
  },
  {
    code: 'IN',
    weight: 6,
    countries: [['India', 9], ['IN', 1]],
    zones: [['Asia/Kolkata', 330]],
    familyFirst: false,
    locale: 'en_IN',
    given: names('Aarav, Priya, Vihaan, Ananya, Arjun, Diya, Rohan, Kavya, Sai, Isha, Rajesh, Lakshmi'),
    family: names('Sharma, Patel, Singh, Kumar, Gupta, Reddy, Iyer, Nair, Mehta, Chatterjee, Venkataraman'),
    cities: [
      ['Bengaluru', 'Karnataka', '560###'],
      ['Mumbai', 'Maharashtra', '400###'],
      ['Hyderabad', 'Telangana', '500###'],
      ['Pune', 'Maharashtra', '411###'],
      ['New Delhi', 'Delhi', '110###'],
    ],
    streets: ['##, MG Road', 'Plot ##, Sector ##, HITEC City', '#th Floor, ## Nariman Point', '###/#, 100 Feet Road, Indiranagar'],
    phones: ['+91 80 #### ####', '+91 9####-#####', '022 #### ####'],
  },
  {
    code: 'NORDIC',
    weight: 3,
    countries: [['Sweden', 4], ['Sverige', 1], ['Denmark', 2], ['Norway', 2], ['Iceland', 1]],
    zones: [['Europe/Stockholm', 60], ['Europe/Copenhagen', 60], ['Europe/Oslo', 60], ['Atlantic/Reykjavik', 0]],
    familyFirst: false,
    locale: 'sv_SE',
    given: names('Søren, Åsa, Björn, Ingrid, Lars, Maja, Þórunn, Jón, Elin, Nils'),
    family: names('Andersson, Johansson, Ångström, Nielsen, Sørensen, Hansen, Lindqvist, Þórsdóttir, Bergström'),
    cities: [
      ['Stockholm', null, '111 ##'],
      ['Göteborg', null, '411 ##'],
      ['København', null, '1###'],
      ['Oslo', null, '0###'],
      ['Reykjavík', null, '1##'],
    ],
    streets: ['Drottninggatan ##', 'Strøget ##, #. sal', 'Karl Johans gate ##', 'Laugavegur ##'],
    phones: ['+46 8 ### ### ##', '+45 ## ## ## ##', '+47 ## ## ## ##'],
  },
  {
    code: 'VN',
    weight: 2,
    countries: [['Vietnam', 6], ['Viet Nam', 3], ['Việt Nam', 1]],
    zones: [['Asia/Ho_Chi_Minh', 420]],
    familyFirst: true,
    locale: 'vi_VN',
    given: names('Anh, Minh, Thảo, Hương, Dũng, Linh, Quỳnh, Tuấn'),
    family: names('Nguyễn, Trần, Lê, Phạm, Hoàng, Vũ, Đặng'),
    cities: [
      ['Hà Nội', null, '100000'],
      ['Thành phố Hồ Chí Minh', null, '700000'],
      ['Đà Nẵng', null, '550000'],
    ],
    streets: ['## Đường Lê Lợi, Quận 1', '### Phố Huế, Hai Bà Trưng'],
    phones: ['+84 28 #### ####', '+84 9# ### ## ##'],
  },
];

const TOTAL_WEIGHT = CULTURES.reduce((sum, culture) => sum + culture.weight, 0);

/** The culture at a point in [0, 1), by weight. */
export function cultureAt(point: number): Culture {
  let r = point * TOTAL_WEIGHT;
  for (const culture of CULTURES) {
    r -= culture.weight;
    if (r < 0) return culture;
  }
  return CULTURES[0] as Culture;
}
