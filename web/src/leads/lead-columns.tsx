import type { ColumnsType } from 'antd/es/table';
import { Link } from 'react-router';
import type { ObjectMeta, RecordData } from '../api/types';
import type { RenderContext } from '../objects/value-render';
import { FieldValueView } from '../objects/value-render';
import { recordTitle } from '../objects/field-values';

/** Table columns for lead lists, labelled from the object's metadata. */
export function leadColumns(meta: ObjectMeta, ctx: RenderContext, names: string[]): ColumnsType<RecordData> {
  return names.flatMap((name) => {
    const field = meta.fields.find((f) => f.api_name === name);
    if (!field) return [];
    return [
      {
        key: name,
        title: ctx.pick(field.label),
        render: (_: unknown, r: RecordData) =>
          name === meta.name_field ? (
            <Link to={`/o/lead/${r.id}`} onClick={(e) => e.stopPropagation()}>
              {recordTitle(r, meta.name_field)}
            </Link>
          ) : (
            <FieldValueView field={field} record={r} ctx={ctx} />
          ),
        ...(field.type === 'number' ? { align: 'right' as const } : {}),
      },
    ];
  });
}
