import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDef } from '../../platform/module.ts';
import { contractObject, orderObject, productObject } from './objects.ts';
import { contractHooks, orderHooks } from './cash.hooks.ts';
import { OrdersService } from './orders.service.ts';
import { registerOrderRoutes } from './orders.routes.ts';
import { ContractsService } from './contracts.service.ts';
import { registerContractRoutes, registerEsignCallback } from './contracts.routes.ts';

/** Quote to cash: products and pricing, contracts, orders, receivables (DOMAIN.md §4). */
export const cashModule: ModuleDef = {
  name: 'cash',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [
    productObject,
    { ...contractObject, hooks: contractHooks },
    { ...orderObject, hooks: orderHooks },
  ],
  events: [
    'order.confirmed',
    'order.amended',
    'order.cancelled',
    'contract.signed',
    'contract.archived',
    'contract.terminated',
    'contract.esign_requested',
    'contract.esign_declined',
  ],
  async publicRoutes(app, platform) {
    await registerEsignCallback(app, new ContractsService(platform));
  },
  routes(app, platform) {
    registerOrderRoutes(app, new OrdersService(platform));
    registerContractRoutes(app, new ContractsService(platform));
  },
};

export { OrdersService, type OrderEventPayload } from './orders.service.ts';
