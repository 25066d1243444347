import { Tabs } from 'antd';
import { useNavigate, useParams } from 'react-router';
import { useMe } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { NotFoundPage } from './not-found-page';
import { UsersSection } from '../settings/users-section';
import { RolesSection } from '../settings/roles-section';
import { CustomFieldsSection } from '../settings/custom-fields-section';
import { ApiKeysSection } from '../settings/api-keys-section';
import { JobsSection } from '../settings/jobs-section';
import { WebhooksSection } from '../settings/webhooks-section';
import { SecuritySection } from '../settings/security-section';
import { ProfileSection } from '../settings/profile-section';
import { SmtpSection } from '../settings/smtp-section';
import { LoginLogSection } from '../settings/login-log-section';
import { LeadSettingsSection } from '../marketing/lead-settings-section';
import { LeadFormsSection } from '../marketing/forms-section';
import { PipelinesSection } from '../sales/pipelines-section';
import { AccountSettingsSection } from '../accounts/settings-section';
import { ApprovalsSettingsSection } from '../approvals/designer-section';
import { SubscriptionSettingsSection } from '../subscriptions/settings-section';
import { HealthModelSection } from '../success/settings-section';
import { JourneyTemplateSection } from '../success/journey-template-section';
import { TierSettingsSection } from '../success/tiers-settings';

const SECTIONS: { key: string; label: MessageKey; render: () => React.ReactNode }[] = [
  { key: 'users', label: 'settings.tab.users', render: () => <UsersSection /> },
  { key: 'roles', label: 'settings.tab.roles', render: () => <RolesSection /> },
  { key: 'fields', label: 'settings.tab.fields', render: () => <CustomFieldsSection /> },
  { key: 'api-keys', label: 'settings.tab.apiKeys', render: () => <ApiKeysSection /> },
  { key: 'webhooks', label: 'settings.tab.webhooks', render: () => <WebhooksSection /> },
  { key: 'jobs', label: 'settings.tab.jobs', render: () => <JobsSection /> },
  { key: 'security', label: 'settings.tab.security', render: () => <SecuritySection /> },
  { key: 'profile', label: 'settings.tab.profile', render: () => <ProfileSection /> },
  { key: 'smtp', label: 'settings.tab.smtp', render: () => <SmtpSection /> },
  { key: 'login-log', label: 'settings.tab.loginLog', render: () => <LoginLogSection /> },
  { key: 'leads', label: 'settings.tab.leads', render: () => <LeadSettingsSection /> },
  { key: 'lead-forms', label: 'settings.tab.leadForms', render: () => <LeadFormsSection /> },
  { key: 'pipelines', label: 'sales.settings.tab', render: () => <PipelinesSection /> },
  { key: 'accounts', label: 'accounts.settings.tab', render: () => <AccountSettingsSection /> },
  { key: 'approvals', label: 'settings.tab.approvals', render: () => <ApprovalsSettingsSection /> },
  { key: 'subscriptions', label: 'sub.settings.tab', render: () => <SubscriptionSettingsSection /> },
  { key: 'health-model', label: 'cs.settings.tab', render: () => <HealthModelSection /> },
  { key: 'journeys', label: 'journeys.settings.tab', render: () => <JourneyTemplateSection /> },
  { key: 'service-tiers', label: 'tiers.settings.tab', render: () => <TierSettingsSection /> },
];

/** Administration; the server refuses every admin call for other roles (403) as well. */
export default function SettingsPage() {
  const { t } = useI18n();
  const me = useMe().data;
  const navigate = useNavigate();
  const { section } = useParams();
  if (!me?.role.is_admin) return <NotFoundPage />;
  const active = SECTIONS.find((s) => s.key === section) ?? SECTIONS[0];
  if (!active) return <NotFoundPage />;
  return (
    <Tabs
      activeKey={active.key}
      onChange={(k) => navigate(`/settings/${k}`)}
      destroyOnHidden
      items={SECTIONS.map((s) => ({
        key: s.key,
        label: t(s.label),
        children: s.key === active.key ? s.render() : null,
      }))}
    />
  );
}
