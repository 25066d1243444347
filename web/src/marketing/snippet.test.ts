import { describe, expect, it } from 'vitest';
import { formSnippet, isOrigin, publicFormEndpoint, type SnippetText } from './snippet';

const text: SnippetText = {
  name: '姓名',
  mobile: '手机',
  email: '邮箱',
  company: '公司',
  title: '职务',
  honeypot: '请勿填写',
  submit: '提交 <立即>',
  thanks: '感谢提交',
  failed: '提交失败',
  network: "网络异常 </script>'",
};

describe('embeddable form snippet', () => {
  const endpoint = publicFormEndpoint('https://crm.example.cn/', 'abc123_-XYZ');
  const s = formSnippet(endpoint, text);
  it('posts to the public endpoint of the form key', () => {
    expect(endpoint).toBe('https://crm.example.cn/api/v1/public/forms/abc123_-XYZ');
    expect(s).toContain('const endpoint = "https://crm.example.cn/api/v1/public/forms/abc123_-XYZ";');
  });
  it('has the honeypot, the lead fields and UTM capture', () => {
    expect(s).toContain('name="_hp"');
    for (const f of ['name', 'mobile', 'email', 'company', 'title']) expect(s).toContain(`name="${f}"`);
    expect(s).toContain("'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'");
    expect(s).toContain('body.landing_page = location.origin + location.pathname');
  });
  it('escapes the texts for HTML and script', () => {
    expect(s).toContain('<button type="submit">提交 &lt;立即&gt;</button>');
    expect(s).not.toContain("</script>'");
    expect(s).toContain('"网络异常 \\u003c/script>\'"');
    expect(s.match(/<\/script>/g)).toHaveLength(1);
  });
});

describe('origins', () => {
  it('accepts exact origins only', () => {
    expect(isOrigin('https://www.example.cn')).toBe(true);
    expect(isOrigin('http://localhost:8080')).toBe(true);
    expect(isOrigin('https://www.example.cn/')).toBe(false);
    expect(isOrigin('https://www.example.cn/path')).toBe(false);
    expect(isOrigin('www.example.cn')).toBe(false);
  });
});
