// The web's own money format (web/src/format/money.ts: ¥, 万 and 亿 in zh-CN), so a spec compares
// what a page shows with the API's fen through the very function the page uses.
import { formatMoney } from '../../web/src/format/money';

export const zhMoney = (fen: number, currency = 'CNY'): string =>
  formatMoney({ amount: fen, currency }, 'zh-CN');
