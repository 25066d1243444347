// The quote PDF (pdfkit). Chinese text needs a CJK font inside the file: the OTF fonts of the npm
// package @embedpdf/fonts-sc (Noto Sans Hans, GB2312 set, OFL-1.1) are embedded (pdfkit subsets
// them to the glyphs used), so `npm install` is all a machine needs — no system fonts.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { format } from '../../platform/i18n/i18n.ts';
import { formatMoney, formatPercent, formatQuantity, pdfLabels, type QuoteLanguage } from './quotes.rules.ts';

export interface QuotePdfLine {
  position: number;
  is_child: boolean;
  product_name: string;
  sku: string;
  quantity: number;
  unit_price: number;
  discount: number;
  /** after the line discount (what the line shows) */
  amount: number;
  tax_rate: number;
  service_start: string | null;
  service_end: string | null;
}

export interface QuotePdfInput {
  language: QuoteLanguage;
  seller: string;
  /** PNG or JPEG bytes */
  logo: Buffer | null;
  number: string;
  version: number;
  date: string;
  validUntil: string | null;
  customer: string;
  opportunity: string;
  preparedBy: string | null;
  currency: string;
  headerDiscount: number;
  totals: {
    list_total: number;
    subtotal: number;
    discount_total: number;
    header_discount_amount: number;
    net_total: number;
    tax_total: number;
    grand_total: number;
  };
  lines: QuotePdfLine[];
  notes: string | null;
  terms: string | null;
}

let fonts: { regular: Buffer; bold: Buffer } | null = null;

/** The font files, read once per process (about 8 MB each). */
function fontFiles(): { regular: Buffer; bold: Buffer } {
  if (!fonts) {
    const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
    const dir = path.join(path.dirname(entry), '..', 'fonts');
    fonts = {
      regular: fs.readFileSync(path.join(dir, 'NotoSansHans-Regular.otf')),
      bold: fs.readFileSync(path.join(dir, 'NotoSansHans-Bold.otf')),
    };
  }
  return fonts;
}

const MARGIN = 50;
const GREY = '#666666';
const RULE = '#cccccc';

/** Renders the quote as an A4 PDF in its language. */
export function renderQuotePdf(q: QuotePdfInput): Promise<Buffer> {
  const t = pdfLabels(q.language);
  const f = fontFiles();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: `${t.title} ${q.number} v${q.version}`, Author: q.seller },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  const width = doc.page.width - 2 * MARGIN;
  const bottom = (): number => doc.page.height - MARGIN - 20;

  // --- header: logo or seller name, title, quote facts
  let y = MARGIN;
  if (q.logo) {
    try {
      doc.image(q.logo, MARGIN, y, { fit: [140, 48] });
    } catch {
      // an unreadable logo must not cost the customer their quote: the name stands in
      doc
        .font('bold')
        .fontSize(16)
        .text(q.seller, MARGIN, y, { width: width / 2 });
    }
  } else
    doc
      .font('bold')
      .fontSize(16)
      .fillColor('black')
      .text(q.seller, MARGIN, y, { width: width / 2 });
  doc
    .font('bold')
    .fontSize(22)
    .fillColor('black')
    .text(t.title, MARGIN + width / 2, y, { width: width / 2, align: 'right' });
  y += 60;
  doc
    .moveTo(MARGIN, y)
    .lineTo(MARGIN + width, y)
    .strokeColor(RULE)
    .stroke();
  y += 10;
  const facts: Array<[string, string]> = [
    [t.number, `${q.number}`],
    [t.version, `v${q.version}`],
    [t.date, q.date],
    [t.validUntil, q.validUntil ?? '—'],
    [t.customer, q.customer],
    [t.opportunity, q.opportunity],
    [t.preparedBy, q.preparedBy ?? '—'],
    [t.currency, q.currency],
  ];
  const colW = width / 2;
  for (let i = 0; i < facts.length; i += 2) {
    let rowH = 0;
    for (let k = 0; k < 2; k++) {
      const pair = facts[i + k];
      if (!pair) continue;
      const x = MARGIN + k * colW;
      doc.font('regular').fontSize(9).fillColor(GREY).text(pair[0], x, y, { width: 70 });
      doc
        .font('regular')
        .fontSize(10)
        .fillColor('black')
        .text(pair[1], x + 72, y, { width: colW - 80 });
      rowH = Math.max(rowH, doc.heightOfString(pair[1], { width: colW - 80 }));
    }
    y += Math.max(rowH, 12) + 6;
  }
  y += 8;

  // --- lines
  const cols = [
    { key: 'no', label: t.colNo, w: 28, align: 'left' as const },
    { key: 'product', label: t.colProduct, w: 205, align: 'left' as const },
    { key: 'qty', label: t.colQty, w: 50, align: 'right' as const },
    { key: 'price', label: t.colUnitPrice, w: 72, align: 'right' as const },
    { key: 'discount', label: t.colDiscount, w: 48, align: 'right' as const },
    { key: 'amount', label: t.colAmount, w: width - 28 - 205 - 50 - 72 - 48, align: 'right' as const },
  ];
  const headerRow = (): void => {
    doc.rect(MARGIN, y, width, 20).fill('#f0f2f5');
    let x = MARGIN;
    for (const c of cols) {
      doc
        .font('bold')
        .fontSize(9)
        .fillColor('black')
        .text(c.label, x + 3, y + 5, { width: c.w - 6, align: c.align });
      x += c.w;
    }
    y += 24;
  };
  headerRow();
  let no = 0;
  for (const l of q.lines) {
    const label = l.is_child ? `  └ ${l.product_name}` : l.product_name;
    const sub = [
      l.sku,
      l.service_start && l.service_end ? `${t.servicePeriod} ${l.service_start} ~ ${l.service_end}` : '',
      l.tax_rate ? `${t.colTax} ${formatPercent(l.tax_rate)}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const productW = (cols[1]?.w ?? 200) - 6;
    doc.font('regular').fontSize(10);
    const h1 = doc.heightOfString(label, { width: productW });
    doc.fontSize(8);
    const h2 = doc.heightOfString(sub, { width: productW });
    const rowH = h1 + h2 + 8;
    if (y + rowH > bottom()) {
      doc.addPage();
      y = MARGIN;
      headerRow();
    }
    const cells: Record<string, string> = {
      no: l.is_child ? '' : String(++no),
      qty: formatQuantity(l.quantity),
      price: formatMoney(l.unit_price, q.currency),
      discount: formatPercent(l.discount),
      amount: formatMoney(l.amount, q.currency),
    };
    let x = MARGIN;
    for (const c of cols) {
      if (c.key === 'product') {
        doc
          .font('regular')
          .fontSize(10)
          .fillColor(l.is_child ? GREY : 'black')
          .text(label, x + 3, y, { width: productW });
        doc
          .fontSize(8)
          .fillColor(GREY)
          .text(sub, x + 3, y + h1 + 1, { width: productW });
      } else
        doc
          .font('regular')
          .fontSize(10)
          .fillColor(l.is_child ? GREY : 'black')
          .text(cells[c.key] ?? '', x + 3, y, { width: c.w - 6, align: c.align });
      x += c.w;
    }
    y += rowH;
    doc
      .moveTo(MARGIN, y - 3)
      .lineTo(MARGIN + width, y - 3)
      .strokeColor(RULE)
      .stroke();
  }

  // --- totals
  const money = (n: number): string => `${q.currency} ${formatMoney(n, q.currency)}`;
  const rows: Array<[string, string, boolean]> = [[t.listTotal, money(q.totals.list_total), false]];
  rows.push([t.subtotal, money(q.totals.subtotal), false]);
  if (q.headerDiscount)
    rows.push([
      `${t.headerDiscount} ${formatPercent(q.headerDiscount)}`,
      `-${money(q.totals.header_discount_amount)}`,
      false,
    ]);
  rows.push([t.discountTotal, money(q.totals.discount_total), false]);
  rows.push([t.netTotal, money(q.totals.net_total), false]);
  rows.push([t.taxTotal, money(q.totals.tax_total), false]);
  rows.push([t.grandTotal, money(q.totals.grand_total), true]);
  if (y + rows.length * 18 + 10 > bottom()) {
    doc.addPage();
    y = MARGIN;
  }
  y += 8;
  for (const [label, value, strong] of rows) {
    doc
      .font(strong ? 'bold' : 'regular')
      .fontSize(strong ? 12 : 10)
      .fillColor('black')
      .text(label, MARGIN + width / 2, y, { width: width / 4 - 6, align: 'right' })
      .text(value, MARGIN + (3 * width) / 4, y, { width: width / 4 - 3, align: 'right' });
    y += strong ? 20 : 16;
  }

  // --- notes and terms
  for (const [label, text] of [
    [t.notes, q.notes],
    [null, q.terms],
  ] as const) {
    if (!text) continue;
    y += 12;
    doc.font('regular').fontSize(9);
    const h = doc.heightOfString(text, { width }) + (label ? 14 : 0);
    if (y + h > bottom()) {
      doc.addPage();
      y = MARGIN;
    }
    if (label) {
      doc.font('bold').fontSize(10).fillColor('black').text(label, MARGIN, y, { width });
      y += 14;
    }
    doc.font('regular').fontSize(9).fillColor(GREY).text(text, MARGIN, y, { width });
    y = doc.y;
  }

  // --- page numbers
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // the footer sits in the bottom margin: without this pdfkit would start a new page for it
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(8)
      .fillColor(GREY)
      .text(
        format(t.page, { n: i - range.start + 1, total: range.count }),
        MARGIN,
        doc.page.height - MARGIN,
        { width, align: 'center', lineBreak: false },
      );
  }
  doc.end();
  return done;
}
