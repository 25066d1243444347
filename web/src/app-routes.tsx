import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { Spin } from 'antd';
import { LoginPage } from './auth/login-page';
import { RequireSession } from './auth/require-session';
import { NotFoundPage } from './shell/not-found-page';
import { OrderNewRedirect, OrderRecordRedirect } from './cash/order-redirects';
import { QuoteNewRedirect, QuoteRecordRedirect } from './quotes/quote-redirects';
import { PriceListRecordRedirect } from './cash/price-list-redirects';
import { SurveyRecordRedirect } from './success/survey-redirects';

// Object views are the heavy part of the app; the login route should not pay for them, nor for
// the signed-in shell (menu, header search, notifications): 344 → 297 KB gzip for /login.
const AppShell = lazy(() => import('./shell/app-shell').then((m) => ({ default: m.AppShell })));
const HomePage = lazy(() => import('./shell/home-page').then((m) => ({ default: m.HomePage })));
const ListPage = lazy(() => import('./objects/list-page'));
const RecordPage = lazy(() => import('./objects/record-page'));
const CreatePage = lazy(() => import('./objects/create-page'));
const ImportPage = lazy(() => import('./objects/import-wizard'));
const RecycleBinPage = lazy(() => import('./objects/recycle-bin-page'));
const SettingsPage = lazy(() => import('./shell/settings-page'));
const MyLeadsPage = lazy(() => import('./leads/my-leads-page'));
const PoolsPage = lazy(() => import('./leads/pools-page'));
const ReviewPage = lazy(() => import('./leads/review-page'));
const LeadAnalyticsPage = lazy(() => import('./marketing/analytics-page'));
const ForecastPage = lazy(() => import('./sales/forecast-page'));
const TargetsPage = lazy(() => import('./sales/targets-page'));
const FunnelPage = lazy(() => import('./sales/funnel-page'));
const SalesBoardPage = lazy(() => import('./sales/board-page'));
const MyDayPage = lazy(() => import('./activities/my-day-page'));
const AccountPoolsPage = lazy(() => import('./accounts/pools-page'));
const OrderNewPage = lazy(() => import('./cash/order-new-page'));
const OrderPage = lazy(() => import('./cash/order-page'));
// the order's payment plan renders below the order page (receivables own it, cash owns the page)
const OrderPlanSection = lazy(() => import('./receivables/order-plan-section'));
const ApprovalsInboxPage = lazy(() => import('./approvals/inbox-page'));
const PaymentsPage = lazy(() => import('./receivables/payments-page'));
const MatchingPage = lazy(() => import('./receivables/matching-page'));
const InvoicesPage = lazy(() => import('./receivables/invoices-page'));
const AgingPage = lazy(() => import('./receivables/aging-page'));
const QuotePage = lazy(() => import('./quotes/quote-page'));
const PriceListsPage = lazy(() => import('./cash/price-lists-page'));
const PriceListPage = lazy(() => import('./cash/price-list-page'));
const MyPerformancePage = lazy(() => import('./performance/my-performance-page'));
const TeamPerformancePage = lazy(() => import('./performance/team-performance-page'));
const StatementsPage = lazy(() =>
  import('./performance/team-performance-page').then((m) => ({ default: m.StatementsPage })),
);
const OrderSplitsPage = lazy(() => import('./performance/order-splits-page'));
// who gets the order's credit, below the order page (performance owns the splits)
const OrderSplitsSection = lazy(() => import('./performance/order-splits-section'));
const ArrDashboardPage = lazy(() => import('./subscriptions/arr-dashboard-page'));
const DueRenewalsPage = lazy(() => import('./subscriptions/renewals-page'));
const SuccessCockpitPage = lazy(() => import('./success/cockpit-page'));
const CsmIncentivePage = lazy(() => import('./success/incentive-page'));
const LightsPage = lazy(() => import('./success/lights-page'));
const JourneysPage = lazy(() => import('./success/journeys-page'));
const TouchPage = lazy(() => import('./success/touch-page'));
const SurveysPage = lazy(() => import('./success/surveys-page'));
const SurveyPage = lazy(() => import('./success/survey-page'));
const SurveyPublicPage = lazy(() => import('./success/survey-public-page'));

const fallback = <Spin style={{ display: 'block', margin: '80px auto' }} />;

const page = (element: React.ReactNode) => <Suspense fallback={fallback}>{element}</Suspense>;

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        path="/s/:token"
        element={
          <Suspense fallback={fallback}>
            <SurveyPublicPage />
          </Suspense>
        }
      />
      <Route
        element={
          <RequireSession>
            <Suspense fallback={fallback}>
              <AppShell />
            </Suspense>
          </RequireSession>
        }
      >
        <Route index element={page(<HomePage />)} />
        <Route
          path="o/:object"
          element={
            <Suspense fallback={fallback}>
              <ListPage />
            </Suspense>
          }
        />
        <Route
          path="o/:object/new"
          element={
            <Suspense fallback={fallback}>
              <CreatePage />
            </Suspense>
          }
        />
        <Route
          path="o/:object/:id"
          element={
            <Suspense fallback={fallback}>
              <RecordPage />
            </Suspense>
          }
        />
        <Route
          path="o/:object/import"
          element={
            <Suspense fallback={fallback}>
              <ImportPage />
            </Suspense>
          }
        />
        <Route
          path="o/:object/recycle-bin"
          element={
            <Suspense fallback={fallback}>
              <RecycleBinPage />
            </Suspense>
          }
        />
        <Route
          path="settings/:section?"
          element={
            <Suspense fallback={fallback}>
              <SettingsPage />
            </Suspense>
          }
        />
        <Route path="leads/mine" element={page(<MyLeadsPage />)} />
        <Route path="leads/pools/:poolId?" element={page(<PoolsPage />)} />
        <Route path="leads/review" element={page(<ReviewPage />)} />
        <Route path="marketing/analytics" element={page(<LeadAnalyticsPage />)} />
        <Route path="sales/forecast" element={page(<ForecastPage />)} />
        <Route path="sales/targets" element={page(<TargetsPage />)} />
        <Route path="sales/funnel" element={page(<FunnelPage />)} />
        <Route path="sales/board" element={page(<SalesBoardPage />)} />
        <Route path="my-day" element={page(<MyDayPage />)} />
        <Route path="approvals" element={page(<ApprovalsInboxPage />)} />
        <Route path="accounts/pools/:poolId?" element={page(<AccountPoolsPage />)} />
        {/* after the generic o/:object/… routes: /o/order/import and /recycle-bin stay generic */}
        <Route path="o/order/new" element={<OrderNewRedirect />} />
        <Route path="o/order/:id" element={<OrderRecordRedirect />} />
        <Route path="cash/orders/new" element={page(<OrderNewPage />)} />
        <Route
          path="cash/orders/:id"
          element={page(
            <>
              <OrderPage />
              <OrderPlanSection />
              <OrderSplitsSection />
            </>,
          )}
        />
        <Route path="cash/orders/:id/splits" element={page(<OrderSplitsPage />)} />
        <Route path="o/quote/new" element={<QuoteNewRedirect />} />
        <Route path="o/quote/:id" element={<QuoteRecordRedirect />} />
        <Route path="cash/quotes/new" element={page(<QuotePage />)} />
        <Route path="cash/quotes/:id" element={page(<QuotePage />)} />
        <Route path="o/price_list/:id" element={<PriceListRecordRedirect />} />
        <Route path="cash/price-lists" element={page(<PriceListsPage />)} />
        <Route path="cash/price-lists/:id" element={page(<PriceListPage />)} />
        <Route path="performance/me" element={page(<MyPerformancePage />)} />
        <Route path="performance/team" element={page(<TeamPerformancePage />)} />
        <Route path="performance/statements" element={page(<StatementsPage />)} />
        <Route path="cash/payments" element={page(<PaymentsPage />)} />
        <Route path="cash/payments/match" element={page(<MatchingPage />)} />
        <Route path="cash/invoices" element={page(<InvoicesPage />)} />
        <Route path="cash/aging" element={page(<AgingPage />)} />
        <Route path="subscriptions/arr" element={page(<ArrDashboardPage />)} />
        <Route path="subscriptions/renewals" element={page(<DueRenewalsPage />)} />
        <Route path="success" element={page(<SuccessCockpitPage />)} />
        <Route path="success/incentive" element={page(<CsmIncentivePage />)} />
        <Route path="success/lights" element={page(<LightsPage />)} />
        <Route path="success/journeys" element={page(<JourneysPage />)} />
        <Route path="success/touch" element={page(<TouchPage />)} />
        <Route path="success/surveys" element={page(<SurveysPage />)} />
        <Route path="success/surveys/:id" element={page(<SurveyPage />)} />
        <Route path="o/survey/:id" element={<SurveyRecordRedirect />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
