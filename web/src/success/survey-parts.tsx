import { Tag } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import { categoryTag, type Category, type SurveyKind, type SurveyStatus } from './surveys-logic';

const STATUS_COLOR: Record<SurveyStatus, string> = { draft: 'default', active: 'green', closed: 'red' };

export function KindTag({ kind }: { kind: SurveyKind }) {
  return <Tag color={kind === 'nps' ? 'blue' : 'purple'}>{kind.toUpperCase()}</Tag>;
}

export function StatusTag({ status }: { status: SurveyStatus }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="survey-status">
      {t(`surveys.status.${status}`)}
    </Tag>
  );
}

export function CategoryTag({ category, score }: { category: Category; score?: number }) {
  const { t } = useI18n();
  return (
    <Tag color={categoryTag(category)}>
      {score === undefined ? '' : `${score} · `}
      {t(`surveys.category.${category}`)}
    </Tag>
  );
}
