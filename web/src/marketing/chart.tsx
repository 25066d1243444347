import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';

echarts.use([
  BarChart,
  FunnelChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

/** Automated browsers get no animation, so screenshots and assertions see the final chart. */
export const chartAnimation = typeof navigator === 'undefined' || !navigator.webdriver;

/** One ECharts canvas; only the chart types above are bundled. */
export function Chart({
  option,
  height = 300,
  testId,
  label,
}: {
  option: EChartsOption;
  height?: number;
  testId: string;
  /** what the chart shows, for screen readers */
  label: string;
}) {
  return (
    <div data-testid={testId} role="img" aria-label={label}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        lazyUpdate
        style={{ height, width: '100%' }}
      />
    </div>
  );
}
