import {
  CheckSquareOutlined,
  DesktopOutlined,
  EnvironmentOutlined,
  FileTextOutlined,
  MailOutlined,
  PhoneOutlined,
  TeamOutlined,
  WechatOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n/zh-CN';
import type { ActivityType } from './activity-logic';
import type { RelatedObject } from './api';

export const TYPE_ICON: Record<ActivityType, ReactNode> = {
  visit: <EnvironmentOutlined />,
  call: <PhoneOutlined />,
  meeting: <TeamOutlined />,
  email: <MailOutlined />,
  wechat: <WechatOutlined />,
  demo: <DesktopOutlined />,
  note: <FileTextOutlined />,
};

export const TASK_ICON = <CheckSquareOutlined />;

export const TYPE_LABEL: Record<ActivityType, MessageKey> = {
  visit: 'activities.type.visit',
  call: 'activities.type.call',
  meeting: 'activities.type.meeting',
  email: 'activities.type.email',
  wechat: 'activities.type.wechat',
  demo: 'activities.type.demo',
  note: 'activities.type.note',
};

export const OBJECT_LABEL: Record<RelatedObject, MessageKey> = {
  lead: 'activities.object.lead',
  account: 'activities.object.account',
  contact: 'activities.object.contact',
  opportunity: 'activities.object.opportunity',
};
