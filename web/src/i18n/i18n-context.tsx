import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { ConfigProvider, App as AntApp } from 'antd';
import zhCNAntd from 'antd/locale/zh_CN';
import enUSAntd from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import type { Locale, Localized } from '../api/types';
import { setRequestLocale } from '../api/http-client';
import { zhCN, type MessageKey } from './zh-CN';
import { enUS } from './en-US';
import { interpolate, type MessageParams } from './interpolate';

const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, 'en-US': enUS };
const STORAGE_KEY = 'fw_locale';

export type Translate = (key: MessageKey, params?: MessageParams) => string;

interface I18n {
  locale: Locale;
  t: Translate;
  /** Picks the label in the UI language, falling back to the other one. */
  pick: (label: Localized | undefined) => string;
  setLocale: (locale: Locale) => void;
}

const I18nContext = createContext<I18n | null>(null);

export function isLocale(v: unknown): v is Locale {
  return v === 'zh-CN' || v === 'en-US';
}

function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  return isLocale(stored) ? stored : 'zh-CN';
}

function applyLocale(locale: Locale): void {
  setRequestLocale(locale);
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
  document.documentElement.lang = locale;
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => {
    const l = initialLocale();
    applyLocale(l);
    return l;
  });
  const setLocale = useCallback((l: Locale) => {
    applyLocale(l);
    localStorage.setItem(STORAGE_KEY, l);
    setLocaleState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const catalog = catalogs[locale];
    return {
      locale,
      setLocale,
      t: (key, params) => interpolate(catalog[key], params),
      pick: (label) => label?.[locale] ?? label?.[locale === 'zh-CN' ? 'en-US' : 'zh-CN'] ?? '',
    };
  }, [locale, setLocale]);
  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider
        locale={locale === 'zh-CN' ? zhCNAntd : enUSAntd}
        theme={{ token: { colorPrimary: '#1f5fd6', borderRadius: 6 } }}
        componentSize="middle"
        button={{ autoInsertSpace: false }}
      >
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
