import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDef } from '../../platform/module.ts';
import { contractObject, orderObject, productObject } from './objects.ts';
import { contractHooks, orderHooks } from './cash.hooks.ts';
import { OrdersService } from './orders.service.ts';
import { registerOrderRoutes } from './orders.routes.ts';
import { quoteObject } from './quotes.objects.ts';
import { quoteHooks } from './quotes.hooks.ts';
import { QuotesService, quoteApprovals } from './quotes.service.ts';
import { registerQuoteRoutes } from './quotes.routes.ts';
import { quotesExpireJob } from './quotes.jobs.ts';
import { priceListObject, sellableScopeField } from './price-lists.objects.ts';
import { PriceListsService } from './price-lists.service.ts';
import { PricingService } from './pricing.service.ts';
import { registerPricingRoutes } from './pricing.routes.ts';
import { ContractsService, contractApprovals } from './contracts.service.ts';
import { ProductsService } from './products.service.ts';
import { registerProductRoutes } from './products.routes.ts';
import { registerContractRoutes, registerEsignCallback } from './contracts.routes.ts';
import { DigestService, paymentsDigestJob } from './digest.service.ts';
import { registerDigestRoutes } from './digest.routes.ts';
import { invoiceObject, paymentObject, paymentPlanObject } from './receivables.objects.ts';
import { invoiceHooks, paymentHooks, paymentPlanHooks } from './receivables.hooks.ts';
import { PaymentPlansService } from './payment-plans.service.ts';
import { PaymentsService } from './payments.service.ts';
import { InvoicesService, invoiceApprovals } from './invoices.service.ts';
import { registerReceivablesRoutes } from './receivables.routes.ts';
import { receivablesJob } from './receivables.jobs.ts';
import { receivablesSubscriber } from './receivables.subscriber.ts';
import { PerformanceService, performanceSubscriber } from './performance.service.ts';
import { CommissionsService } from './commissions.service.ts';
import { registerPerformanceRoutes } from './performance.routes.ts';
import { commissionsJob } from './performance.jobs.ts';

/** Quote to cash: products and pricing, contracts, orders, receivables (DOMAIN.md §4). */
export const cashModule: ModuleDef = {
  name: 'cash',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [
    // sellable_scope comes with the price lists (002_price_lists.sql)
    { ...productObject, fields: [...productObject.fields, sellableScopeField] },
    priceListObject,
    { ...quoteObject, hooks: quoteHooks },
    { ...contractObject, hooks: contractHooks },
    { ...orderObject, hooks: orderHooks },
    { ...paymentPlanObject, hooks: paymentPlanHooks },
    { ...paymentObject, hooks: paymentHooks },
    { ...invoiceObject, hooks: invoiceHooks },
  ],
  jobs: [receivablesJob, commissionsJob, paymentsDigestJob, quotesExpireJob],
  events: [
    'quote.sent',
    'quote.accepted',
    'quote.expired',
    'order.confirmed',
    'order.amended',
    'order.cancelled',
    'order.splits_changed',
    'commission_statement.approved',
    'commission_statement.locked',
    'price_list.items_replaced',
    'contract.signed',
    'contract.archived',
    'contract.terminated',
    'contract.esign_requested',
    'contract.esign_declined',
    'payment_plan.instalments_replaced',
    'payment_plan.cancelled',
    'payment_plan.out_of_sync',
    'payment_instalment.overdue',
    'payment.matched',
    'payment.allocated',
    'payment.refunded',
    'invoice.issued',
    'invoice.voided',
    'invoice.credited',
    'invoice.reversed',
    'invoice.reconciled',
  ],
  approvals: { contract: contractApprovals, quote: quoteApprovals, invoice: invoiceApprovals },
  async publicRoutes(app, platform) {
    await registerEsignCallback(app, new ContractsService(platform));
  },
  subscribers: () => [performanceSubscriber(), receivablesSubscriber()],
  routes(app, platform) {
    registerPerformanceRoutes(app, new PerformanceService(platform), new CommissionsService(platform));
    registerOrderRoutes(app, new OrdersService(platform));
    registerQuoteRoutes(app, new QuotesService(platform, new OrdersService(platform)));
    registerPricingRoutes(app, new PriceListsService(platform), new PricingService(platform));
    registerContractRoutes(app, new ContractsService(platform));
    registerProductRoutes(app, new ProductsService(platform));
    registerDigestRoutes(app, new DigestService(platform));
    registerReceivablesRoutes(
      app,
      platform,
      new PaymentPlansService(platform),
      new PaymentsService(platform),
      new InvoicesService(platform),
    );
  },
};

export { OrdersService, type OrderEventPayload } from './orders.service.ts';
/** Prices lines for quotes and orders (price lists, tiers, bundles, discounts, tax, margin). */
export { priceLines, type PriceLinesInput, type PricingResult } from './pricing.service.ts';
// used by the demo loader (server/src/demo/demo-cash.ts)
export { ContractsService } from './contracts.service.ts';
export { ProductsService } from './products.service.ts';
export { PaymentPlansService } from './payment-plans.service.ts';
export { PaymentsService } from './payments.service.ts';
export { InvoicesService } from './invoices.service.ts';
export { QuotesService } from './quotes.service.ts';
export { CommissionsService } from './commissions.service.ts';
export { PerformanceService, performanceSubscriber, PAYMENT_EVENTS } from './performance.service.ts';
