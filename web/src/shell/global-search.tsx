import { useEffect, useRef, useState } from 'react';
import { AutoComplete, type RefSelectProps } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { useSearch } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import { useDebounced } from './use-debounced';

function isTypingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** Header search across every readable object; `/` focuses it from anywhere. */
export function GlobalSearch() {
  const { t, pick } = useI18n();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const results = useSearch(q);
  const inputRef = useRef<RefSelectProps>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTypingTarget(e.target)) {
        e.preventDefault();
        inputRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const groups = results.data ?? [];
  const options = groups.map((g) => ({
    label: pick(g.label),
    options: g.hits.map((h) => {
      const extra = Object.values(h.fields).filter(
        (v): v is string => typeof v === 'string' && v !== h.title,
      );
      return {
        value: `/o/${g.object}/${h.id}`,
        label: (
          <div data-testid="search-hit">
            <div>{h.title ?? h.id}</div>
            {extra.length > 0 && <div style={{ fontSize: 12, color: '#8c8c8c' }}>{extra.join(' · ')}</div>}
          </div>
        ),
      };
    }),
  }));

  return (
    <AutoComplete
      ref={inputRef}
      style={{ flex: '0 1 420px', minWidth: 0 }}
      value={text}
      options={options}
      defaultActiveFirstOption
      prefix={<SearchOutlined />}
      placeholder={t('shell.search')}
      aria-label={t('shell.search')}
      allowClear
      onChange={(v: string) => setText(v.startsWith('/o/') ? text : v)}
      onSelect={(path: string) => {
        setText('');
        inputRef.current?.blur();
        navigate(path);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') inputRef.current?.blur();
      }}
      notFoundContent={q && results.isSuccess ? t('shell.searchEmpty') : null}
    />
  );
}
