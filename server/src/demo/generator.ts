/**
 * Deterministic (seeded) generator of realistic Chinese B2B data, used by the demo dataset
 * and by the benchmarks, so both produce the same records for the same seed.
 */
export type Rng = () => number;

/** mulberry32: small, fast, good enough for test data. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
export const intBetween = (rng: Rng, lo: number, hi: number): number =>
  lo + Math.floor(rng() * (hi - lo + 1));

export const REGIONS: ReadonlyArray<{
  province: string;
  cities: readonly string[];
  prefix: readonly string[];
}> = [
  { province: '北京市', cities: ['北京市'], prefix: ['北京'] },
  { province: '上海市', cities: ['上海市'], prefix: ['上海'] },
  {
    province: '广东省',
    cities: ['广州市', '深圳市', '东莞市', '佛山市', '珠海市'],
    prefix: ['广州', '深圳', '东莞', '佛山', '珠海'],
  },
  {
    province: '浙江省',
    cities: ['杭州市', '宁波市', '温州市', '嘉兴市'],
    prefix: ['杭州', '宁波', '温州', '嘉兴'],
  },
  {
    province: '江苏省',
    cities: ['南京市', '苏州市', '无锡市', '常州市'],
    prefix: ['南京', '苏州', '无锡', '常州'],
  },
  { province: '四川省', cities: ['成都市', '绵阳市'], prefix: ['成都', '绵阳'] },
  { province: '湖北省', cities: ['武汉市', '宜昌市'], prefix: ['武汉', '宜昌'] },
  { province: '山东省', cities: ['济南市', '青岛市', '烟台市'], prefix: ['济南', '青岛', '烟台'] },
  { province: '福建省', cities: ['福州市', '厦门市', '泉州市'], prefix: ['福州', '厦门', '泉州'] },
  { province: '陕西省', cities: ['西安市'], prefix: ['西安'] },
  { province: '天津市', cities: ['天津市'], prefix: ['天津'] },
  { province: '重庆市', cities: ['重庆市'], prefix: ['重庆'] },
];

export const INDUSTRIES = [
  '软件和信息技术服务业',
  '互联网和相关服务',
  '通用设备制造业',
  '汽车制造业',
  '医药制造业',
  '批发业',
  '零售业',
  '商务服务业',
  '教育',
  '金融业',
  '物流仓储',
  '建筑装饰',
  '电子元器件制造',
  '食品制造业',
  '专业技术服务业',
] as const;

const WORD1 = [
  '云',
  '智',
  '数',
  '恒',
  '华',
  '鼎',
  '博',
  '瑞',
  '星',
  '海',
  '天',
  '金',
  '新',
  '达',
  '盛',
  '远',
  '宏',
  '信',
  '安',
  '启',
  '融',
  '汇',
  '联',
  '腾',
  '卓',
  '睿',
  '弘',
  '嘉',
  '中',
  '东',
];
const WORD2 = [
  '帆',
  '创',
  '科',
  '通',
  '联',
  '达',
  '航',
  '图',
  '源',
  '峰',
  '拓',
  '远',
  '捷',
  '诚',
  '晟',
  '泰',
  '磊',
  '驰',
  '澜',
  '鑫',
  '衡',
  '铭',
  '辰',
  '途',
  '邦',
  '宇',
  '凯',
  '越',
  '朗',
  '锐',
];
const TRADE = [
  '科技',
  '信息技术',
  '网络科技',
  '智能科技',
  '软件',
  '数据科技',
  '电子',
  '精密机械',
  '医疗器械',
  '供应链管理',
  '教育科技',
  '新材料',
  '物流',
  '商贸',
  '生物科技',
];
const SUFFIX = ['有限公司', '有限公司', '有限公司', '股份有限公司', '有限责任公司', '集团有限公司'];

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '罗',
  '高',
  '郑',
  '梁',
  '谢',
  '宋',
  '唐',
  '许',
  '韩',
  '冯',
  '邓',
  '曹',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
  '刚',
  '桂英',
  '晨',
  '宇',
  '浩',
  '欣怡',
  '子涵',
  '思远',
  '嘉怡',
  '俊杰',
  '婷',
  '雪',
  '鹏',
  '慧',
  '建华',
  '志强',
  '晓东',
  '海燕',
  '文',
  '斌',
];
export const TITLES = [
  '总经理',
  '副总经理',
  'CTO',
  'CIO',
  'IT总监',
  '信息化负责人',
  '采购经理',
  '财务总监',
  '运营总监',
  '销售总监',
  '人力资源经理',
  '产品经理',
  '系统管理员',
  '部门经理',
  '项目经理',
];
export const DEPARTMENTS = [
  '总经办',
  '信息技术部',
  '采购部',
  '财务部',
  '运营部',
  '销售部',
  '人力资源部',
  '市场部',
  '客服中心',
];

export interface CompanyRow {
  name: string;
  province: string;
  city: string;
  industry: string;
  size: string;
  phone: string;
  employees: number;
  annual_revenue: number;
}

export function company(rng: Rng, serial?: number): CompanyRow {
  const region = pick(rng, REGIONS);
  const ci = Math.floor(rng() * region.cities.length);
  const brand = `${pick(rng, WORD1)}${pick(rng, WORD2)}`;
  // A serial keeps names unique in very large generated sets (benchmarks).
  const name = `${region.prefix[ci] ?? ''}${brand}${serial !== undefined ? serial.toString(36) : ''}${pick(rng, TRADE)}${pick(rng, SUFFIX)}`;
  const employees = pick(rng, [20, 45, 80, 150, 300, 600, 1200, 5000]) + intBetween(rng, 0, 19);
  const size =
    employees < 50
      ? '1-49'
      : employees < 200
        ? '50-199'
        : employees < 500
          ? '200-499'
          : employees < 1000
            ? '500-999'
            : '1000+';
  const area = pick(rng, [
    '010',
    '021',
    '020',
    '0755',
    '0571',
    '025',
    '028',
    '027',
    '0531',
    '0591',
    '029',
    '022',
    '023',
  ]);
  return {
    name,
    province: region.province,
    city: region.cities[ci] ?? region.province,
    industry: pick(rng, INDUSTRIES),
    size,
    phone: `${area}-${intBetween(rng, 2000_0000, 8999_9999)}`,
    employees,
    // minor units (fen): 2 million to 2 billion yuan
    annual_revenue: intBetween(rng, 2_000, 2_000_000) * 100_000,
  };
}

export function personName(rng: Rng): string {
  return `${pick(rng, SURNAMES)}${pick(rng, GIVEN)}`;
}

export function mobile(rng: Rng): string {
  return `+86${pick(rng, ['138', '139', '136', '137', '150', '151', '158', '186', '188', '177', '199'])}${String(intBetween(rng, 0, 9999_9999)).padStart(8, '0')}`;
}
