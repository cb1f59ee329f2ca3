// The page's Content-Security-Policy <meta> tag, written into index.html by both builds (the desktop
// renderer in electron.vite.config.ts, the web build in renderer/vite.web.config.ts) from
// main/security.ts — the one source of the policy, which main also sends as a header — so the two
// cannot drift apart. Two differences, both on purpose:
// - a meta policy cannot carry frame-ancestors, report-uri or sandbox (browsers ignore them there,
//   with a console warning), so those stay in the header only;
// - the dev server (`npm start`) gets main's devCsp for its URL, as main's header does: the React
//   refresh preamble is an inline script and hot reload talks over a websocket.
import type { Plugin } from 'vite';
import { CSP, devCsp } from '../main/security.ts';

const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

export function metaPolicy(policy: string): string {
  return policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !HEADER_ONLY.has(d.split(/\s+/)[0]))
    .join('; ');
}

export function cspMeta(): Plugin {
  return {
    name: 'hybridscope-csp-meta',
    transformIndexHtml(html, ctx) {
      if (/http-equiv=["']?Content-Security-Policy/i.test(html)) {
        throw new Error(`${ctx.filename}: remove its Content-Security-Policy meta tag; the policy comes from main/security.ts`);
      }
      const devUrl = ctx.server?.resolvedUrls?.local[0];
      if (ctx.server && !devUrl) throw new Error('csp-meta: the dev server has no URL to allow its websocket for');
      const policy = metaPolicy(devUrl ? devCsp(devUrl) : CSP);
      // Written as is (a tag descriptor would come out with every ' as &#39;): CSP has no use for ".
      // First in <head> after the charset: a meta policy governs only what comes after it.
      if (policy.includes('"')) throw new Error(`csp-meta: the policy in main/security.ts has a double quote: ${policy}`);
      const anchor = /<meta\s+charset[^>]*>/i.exec(html) ?? /<head[^>]*>/i.exec(html);
      if (!anchor) throw new Error(`${ctx.filename}: no <head> to put the CSP meta tag in`);
      const at = anchor.index + anchor[0].length;
      return `${html.slice(0, at)}\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />${html.slice(at)}`;
    },
  };
}
