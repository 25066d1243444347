/**
 * Encodes text as GBK for tests, using the GB18030 decoder in Node's ICU as the code table
 * (TextEncoder only writes UTF-8): every 2-byte GBK code is decoded once and inverted.
 */
let table: Map<string, Buffer> | undefined;

function build(): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  const dec = new TextDecoder('gb18030');
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const b = Buffer.from([hi, lo]);
      const ch = dec.decode(b);
      if (ch.length === 1 && ch !== '\ufffd' && !map.has(ch)) map.set(ch, b);
    }
  }
  return map;
}

export default function encodeGbk(text: string): Buffer {
  table ??= build();
  const parts: Buffer[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) parts.push(Buffer.from([code]));
    else {
      const b = table.get(ch);
      if (!b) throw new Error(`cannot encode ${ch} as GBK`);
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}
