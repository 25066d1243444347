import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { loadActor } from '../platform/identity/actor.ts';
import { addDays } from '../platform/jobs/dates.rules.ts';
import {
  ContractsService,
  InvoicesService,
  OrdersService,
  PaymentPlansService,
  PaymentsService,
  ProductsService,
  QuotesService,
} from '../modules/cash/index.ts';
import { DemoClock } from './demo-clock.ts';
import { intBetween, type Rng } from './generator.ts';
import { createContractApprovalProcess, createQuoteApprovalProcess } from './demo-approvals.ts';
import { loadDemoQuotes, quoteToOrder, SELLER, yearEnd } from './demo-quotes.ts';
import { setDemoCommissionRules, settleDemoCommissions, splitDemoOrders } from './demo-performance.ts';

interface DemoProduct {
  sku: string;
  name: string;
  name_en: string;
  type: 'subscription' | 'one_time' | 'service';
  unit: string;
  /** yuan */
  price: number;
  cost: number;
  family: string;
  tax_rate?: number;
  active?: boolean;
  is_bundle?: boolean;
}

/** A Chinese SaaS CRM vendor's price book (yuan; seats per year). */
const CATALOG: DemoProduct[] = [
  {
    sku: 'FW-CRM-STD',
    name: '飞轮 CRM 标准版',
    name_en: 'Flywheel CRM Standard',
    type: 'subscription',
    unit: 'seat',
    price: 1200,
    cost: 180,
    family: 'CRM',
  },
  {
    sku: 'FW-CRM-PRO',
    name: '飞轮 CRM 专业版',
    name_en: 'Flywheel CRM Professional',
    type: 'subscription',
    unit: 'seat',
    price: 2400,
    cost: 300,
    family: 'CRM',
  },
  {
    sku: 'FW-CRM-ENT',
    name: '飞轮 CRM 旗舰版',
    name_en: 'Flywheel CRM Enterprise',
    type: 'subscription',
    unit: 'seat',
    price: 3600,
    cost: 420,
    family: 'CRM',
  },
  {
    sku: 'FW-BI',
    name: 'BI 智能分析模块',
    name_en: 'BI analytics module',
    type: 'subscription',
    unit: 'module',
    price: 20000,
    cost: 3000,
    family: '扩展模块',
  },
  {
    sku: 'FW-PRM',
    name: '渠道伙伴门户',
    name_en: 'Partner portal',
    type: 'subscription',
    unit: 'module',
    price: 30000,
    cost: 4500,
    family: '扩展模块',
  },
  {
    sku: 'FW-SANDBOX',
    name: '沙箱环境',
    name_en: 'Sandbox instance',
    type: 'subscription',
    unit: 'instance',
    price: 8000,
    cost: 2000,
    family: '扩展模块',
  },
  {
    sku: 'FW-ONPREM',
    name: '私有化部署许可',
    name_en: 'On-premises licence',
    type: 'one_time',
    unit: 'item',
    price: 200000,
    cost: 20000,
    family: '许可',
    tax_rate: 13,
  },
  {
    sku: 'SV-IMPL',
    name: '实施服务',
    name_en: 'Implementation',
    type: 'service',
    unit: 'day',
    price: 3000,
    cost: 1500,
    family: '服务',
  },
  {
    sku: 'SV-TRAIN',
    name: '培训服务',
    name_en: 'Training',
    type: 'service',
    unit: 'day',
    price: 2500,
    cost: 1000,
    family: '服务',
  },
  {
    sku: 'SV-API',
    name: '接口开发',
    name_en: 'Integration development',
    type: 'service',
    unit: 'day',
    price: 3500,
    cost: 1800,
    family: '服务',
  },
  {
    sku: 'FW-CRM-V6',
    name: '飞轮 CRM 6.x 永久许可（停售）',
    name_en: 'Flywheel CRM 6.x perpetual (discontinued)',
    type: 'one_time',
    unit: 'seat',
    price: 800,
    cost: 50,
    family: '许可',
    active: false,
  },
  {
    sku: 'PK-GROWTH',
    name: '专业版成长套装',
    name_en: 'Professional growth bundle',
    type: 'subscription',
    unit: 'item',
    price: 0,
    cost: 0,
    family: 'CRM',
    is_bundle: true,
  },
];

interface WonDeal {
  id: string;
  name: string;
  account_id: string;
  account_name: string;
  owner_id: string;
  type: 'new' | 'upsell' | 'renewal';
  amount: number;
  closed_on: string;
}

const fen = (yuan: number): number => Math.round(yuan * 100);

/**
 * Products, and for every won deal its signed contract and confirmed order: new business sells
 * Professional seats for a year plus implementation days; expansions add seats or a module
 * co-terminous with the customer's subscription; renewals renew the seats for the next year from
 * the day after the current period ends. Orders are placed by the deal owners through the same
 * service as the API (so `order.confirmed` is emitted for each), on the deal's close date; the
 * three latest new-business deals went the whole way from quote to order (demo-quotes.ts). Then
 * approval processes, commission rules and splits, receivables, quotes on open deals, and the
 * commission statements the payments earned (demo-performance.ts).
 */
export async function loadDemoCash(p: Platform, admin: Actor, rng: Rng): Promise<Record<string, number>> {
  const t = admin.tenantId;
  const tdb = TenantDb.for(p.db, t);
  const products = await p.records.createMany(
    admin,
    'product',
    CATALOG.map((c) => ({
      sku: c.sku,
      name: c.name,
      name_en: c.name_en,
      type: c.type,
      unit: c.unit,
      list_price: { amount: fen(c.price), currency: 'CNY' },
      cost: { amount: fen(c.cost), currency: 'CNY' },
      tax_rate: c.tax_rate ?? 6,
      active: c.active ?? true,
      family: c.family,
      is_bundle: c.is_bundle ?? false,
    })),
  );
  const bySku = new Map(products.map((x) => [String(x.sku), String(x.id)]));
  const id = (sku: string): string => bySku.get(sku) ?? '';
  await new ProductsService(p).replaceBundleItems(admin, id('PK-GROWTH'), {
    items: [
      { product_id: id('FW-CRM-PRO'), quantity: 20, min_quantity: 10 },
      { product_id: id('FW-BI'), quantity: 1 },
      { product_id: id('SV-IMPL'), quantity: 5, required: false },
    ],
  });

  const deals = await tdb.query(sql<WonDeal>`
    select o.id, o.name, o.account_id, a.name as account_name, o.owner_id, coalesce(o.type, 'new') as type,
      o.amount, to_char(o.closed_at at time zone ${admin.timeZone}, 'YYYY-MM-DD') as closed_on
    from opportunity o
    join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage and s.type = 'won'
    join account a on a.tenant_id = o.tenant_id and a.id = o.account_id
    where o.tenant_id = ${t} and o.deleted_at is null and o.amount > 0 and o.owner_id is not null
    order by o.closed_at, o.id`);
  const actors = new Map<string, Actor>();
  const actorOf = async (userId: string): Promise<Actor> => {
    let a = actors.get(userId);
    if (!a) {
      a = (await loadActor(p.db, t, { userId })) ?? admin;
      actors.set(userId, a);
    }
    return a;
  };
  const orders = new OrdersService(p);
  const contracts = new ContractsService(p);
  const quotes = new QuotesService(p, orders);
  // quotes go through the discount approval from the first one on
  await createQuoteApprovalProcess(p, admin);
  const viaQuote = new Set(
    deals
      .filter((d) => d.type === 'new')
      .slice(-3)
      .map((d) => d.id),
  );
  // the subscription each customer holds: its seat line's period end (renewals start after it)
  const subscriptionEnd = new Map<string, string>();
  const booked: BookedOrder[] = [];
  let contractCount = 0;
  let acceptedQuotes = 0;
  for (const d of deals) {
    const who = await actorOf(d.owner_id);
    const total = Number(d.amount);
    const signed = d.closed_on;
    const lines: Array<Record<string, unknown>> = [];
    const current = subscriptionEnd.get(d.account_id);
    if (viaQuote.has(d.id)) {
      const start = addDays(signed, intBetween(rng, 3, 14));
      const q = await quoteToOrder(p, quotes, who, actorOf, id, { ...d, amount: total }, start);
      if (q) {
        const o = await orders.get(who, q.orderId);
        subscriptionEnd.set(d.account_id, q.end);
        contractCount++;
        acceptedQuotes++;
        booked.push({
          id: q.orderId,
          number: String(o.number),
          type: 'new',
          signed,
          total,
          owner: who,
          account: d.account_id,
        });
        continue;
      }
    }
    if (d.type === 'upsell' && current && current > signed) {
      // expansion: a module (or more seats) to the end of the running subscription
      const module = total >= fen(30000) && rng() < 0.5 ? 'FW-PRM' : 'FW-BI';
      lines.push({
        product_id: id(module),
        quantity: 1,
        unit_price: total,
        amount: total,
        service_start: signed,
        service_end: current,
      });
    } else {
      const renewal = d.type === 'renewal' && current !== undefined;
      const start = renewal ? addDays(current, 1) : addDays(signed, intBetween(rng, 3, 14));
      const end = yearEnd(start);
      // new business: roughly a fifth of the deal is implementation days
      const days = d.type === 'new' ? Math.max(2, Math.round((total * 0.2) / fen(3000))) : 0;
      const service = days * fen(3000);
      const subscription = total - service;
      const seats = Math.max(5, Math.round(subscription / fen(2400)));
      lines.push({
        product_id: id('FW-CRM-PRO'),
        quantity: seats,
        unit_price: fen(2400),
        // the signed amount: a negotiated total, so the implied discount varies
        discount: Math.max(
          0,
          Math.min(100, Math.round((1 - subscription / (seats * fen(2400))) * 10000) / 100),
        ),
        amount: subscription,
        service_start: start,
        service_end: end,
      });
      if (days)
        lines.push({
          product_id: id('SV-IMPL'),
          quantity: days,
          unit_price: fen(3000),
          amount: service,
          service_start: start,
          service_end: addDays(start, days * 2),
        });
      subscriptionEnd.set(d.account_id, end);
    }
    const contract = await p.records.create(who, 'contract', {
      name: `${d.account_name} ${signed.slice(0, 4)} 年${d.type === 'renewal' ? '续费' : d.type === 'upsell' ? '增购' : '订阅'}合同`,
      account_id: d.account_id,
      opportunity_id: d.id,
      party_a: d.account_name,
      party_b: SELLER,
      sign_date: signed,
      start_date: lines[0]?.service_start,
      end_date: lines[0]?.service_end,
      amount: { amount: total, currency: 'CNY' },
    });
    await contracts.sign(who, String(contract.id), { sign_date: signed });
    contractCount++;
    const order = await orders.create(who, {
      account_id: d.account_id,
      contract_id: contract.id,
      opportunity_id: d.id,
      type: d.type === 'upsell' ? 'expansion' : d.type,
      status: 'confirmed',
      order_date: signed,
      lines,
    });
    booked.push({
      id: String(order.id),
      number: String(order.number),
      type: String(order.type),
      signed,
      total,
      owner: who,
      account: d.account_id,
    });
  }
  // the demo's story is months long: orders were created when they were signed
  await tdb.exec0(sql`update sales_order set created_at = (order_date::timestamp + interval '15 hours') at time zone ${admin.timeZone},
      confirmed_at = (order_date::timestamp + interval '16 hours') at time zone ${admin.timeZone},
      updated_at = (order_date::timestamp + interval '16 hours') at time zone ${admin.timeZone}
    where tenant_id = ${t}`);
  await tdb.exec0(sql`update contract set created_at = (sign_date::timestamp + interval '10 hours') at time zone ${admin.timeZone},
      updated_at = (sign_date::timestamp + interval '11 hours') at time zone ${admin.timeZone}
    where tenant_id = ${t} and sign_date is not null`);
  // from now on a contract of ¥500,000 or more is approved before it is signed
  await createContractApprovalProcess(p, admin);
  await setDemoCommissionRules(p, admin);
  const clock = new DemoClock(admin.timeZone);
  const splits = await splitDemoOrders(p, admin, booked, actorOf, clock.day(-92));
  // quotes on open deals touch no money: they run alongside the receivables and commissions
  // (the quote PDFs are CPU work in this process while those mostly wait on the database)
  const [quoted, [receivables, statements]] = await Promise.all([
    loadDemoQuotes(p, admin, quotes, actorOf, id),
    loadDemoReceivables(p, admin, rng, booked).then(async (r) => [
      r,
      await settleDemoCommissions(p, admin, actorOf),
    ]),
  ]);
  return {
    products: products.length,
    contracts: contractCount,
    orders: booked.length,
    accepted_quotes: acceptedQuotes,
    split_orders: splits,
    ...receivables,
    ...quoted,
    ...statements,
  };
}

interface BookedOrder {
  id: string;
  number: string;
  type: string;
  signed: string;
  total: number;
  owner: Actor;
  account: string;
}

/**
 * Receivables that tell a finance team's story: every order has a payment plan (new business half
 * on signing and half after go-live, renewals and expansions within 30 days); most instalments
 * due so far were paid around their due date — quoted with the order number, so matching is
 * automatic — a few only in part, some not at all (the AR aging report's overdue buckets);
 * payments of the last weeks are invoiced (VAT special invoices), one was reversed by a red-letter
 * credit invoice. The CEO (admin) is subscribed to the 8:00 payments digest.
 */
async function loadDemoReceivables(
  p: Platform,
  admin: Actor,
  rng: Rng,
  booked: BookedOrder[],
): Promise<Record<string, number>> {
  const clock = new DemoClock(admin.timeZone);
  const yesterday = clock.day(-1);
  const plans = new PaymentPlansService(p);
  const payments = new PaymentsService(p);
  const invoices = new InvoicesService(p);
  let planCount = 0;
  let paymentCount = 0;
  let invoiceCount = 0;
  let overdue = 0;
  let credited = false;
  for (const o of booked) {
    const instalments =
      o.type === 'new'
        ? [
            { due_date: addDays(o.signed, 15), percent: 50, note: '合同签订后 15 日内' },
            { due_date: addDays(o.signed, 90), percent: 50, note: '系统上线验收后' },
          ]
        : [{ due_date: addDays(o.signed, 30), percent: 100 }];
    const plan = await plans.create(o.owner, { order_id: o.id, instalments });
    planCount++;
    for (const inst of plan.instalments) {
      if (inst.due_date >= clock.today) continue;
      const roll = rng();
      if (roll < 0.1) {
        overdue++;
        continue;
      }
      const amount = roll < 0.15 ? Math.round(inst.amount / 2 / 100) * 100 : inst.amount;
      // paid a little before or after the due date, never later than yesterday
      const late = intBetween(rng, -5, 20);
      const received = [addDays(inst.due_date, late), yesterday].sort()[0] ?? yesterday;
      const pay = await payments.record(o.owner, {
        account_id: o.account,
        received_date: received,
        amount,
        method: 'bank_transfer',
        payer: null,
        bank_reference: `${o.number} 第${inst.seq}期款`,
      });
      paymentCount++;
      // the last six weeks are invoiced against the payment
      if (received >= clock.day(-42)) {
        const inv = await invoices.apply(o.owner, { order_id: o.id, amount, tax_rate: 6 });
        await invoices.issue(admin, String(inv.id), { issue_date: received });
        if (!credited && rng() < 0.2) {
          // the buyer's tax title was wrong: reversed by a red-letter invoice and issued again
          await invoices.credit(admin, String(inv.id), { issue_date: received });
          credited = true;
          const again = await invoices.apply(o.owner, { order_id: o.id, amount, tax_rate: 6 });
          await invoices.issue(admin, String(again.id), { issue_date: received });
          await invoices.reconcile(admin, String(again.id), { payment_id: pay.id, amount });
          invoiceCount += 2;
        } else await invoices.reconcile(admin, String(inv.id), { payment_id: pay.id, amount });
        invoiceCount++;
      }
    }
  }
  await TenantDb.for(p.db, admin.tenantId)
    .exec0(sql`insert into cash_digest_subscription (tenant_id, user_id, in_app, email)
    values (${admin.tenantId}, ${admin.userId}, true, true) on conflict do nothing`);
  return {
    payment_plans: planCount,
    payments: paymentCount,
    invoices: invoiceCount,
    overdue_instalments: overdue,
  };
}
