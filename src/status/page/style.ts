/**
 * The page's stylesheet (inline, allowed by its hash). Light and dark
 * (prefers-color-scheme). Bars never rely on colour alone: an error bar is
 * hatched, a degraded one shorter and dotted, maintenance cross-hatched, no
 * data a low stub; states carry an icon and a word.
 */
export const STYLE = `
:root{color-scheme:light dark;--bg:#f6f8fa;--card:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;
--ok:#1a7f37;--degraded:#9a6700;--error:#cf222e;--maint:#0969da;--none:#afb8c1;--checking:#59636e;--focus:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#151b23;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;
--ok:#3fb950;--degraded:#d29922;--error:#f85149;--maint:#4493f8;--none:#3d444d;--checking:#9198a1;--focus:#4493f8}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:880px;margin:0 auto;padding:24px 16px}
h1{font-size:24px;margin:0}
.description{color:var(--muted);margin:4px 0 16px}
h2{font-size:17px;margin:28px 0 8px}
.banner{display:flex;gap:10px;align-items:center;padding:14px 16px;border-radius:8px;font-weight:600;font-size:17px;
background:var(--card);border:1px solid var(--line);border-left:8px solid var(--checking)}
.banner::before{font-size:20px;content:"\\25CC"}
.banner.operational{border-left-color:var(--ok)}.banner.operational::before{content:"\\2714";color:var(--ok)}
.banner.degraded{border-left-color:var(--degraded)}.banner.degraded::before{content:"\\25B2";color:var(--degraded)}
.banner.partial_outage,.banner.major_outage{border-left-color:var(--error)}
.banner.partial_outage::before,.banner.major_outage::before{content:"\\2716";color:var(--error)}
.banner.maintenance{border-left-color:var(--maint)}.banner.maintenance::before{content:"\\2692";color:var(--maint)}
.live{display:flex;flex-wrap:wrap;gap:4px 16px;color:var(--muted);font-size:13px;margin:8px 2px 0}
.live .dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:6px;background:var(--checking)}
.live.live-ok .dot{background:var(--ok)}.live.live-retry .dot{background:var(--degraded)}.live.live-lost .dot{background:var(--error)}
.live .stale{color:var(--error);font-weight:600}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;margin-top:12px}
.card h3{margin:0;padding:10px 16px;border-bottom:1px solid var(--line);font-size:15px}
.component{padding:12px 16px;border-top:1px solid var(--line)}
.card h3+.component{border-top:0}
.row{display:flex;justify-content:space-between;gap:12px;flex-wrap:wrap}
.name{font-weight:600}
.state{font-weight:600}
.state::before{margin-right:6px}
.state.ok{color:var(--ok)}.state.ok::before{content:"\\2714"}
.state.degraded{color:var(--degraded)}.state.degraded::before{content:"\\25B2"}
.state.error{color:var(--error)}.state.error::before{content:"\\2716"}
.state.unknown,.state.checking{color:var(--checking)}.state.unknown::before,.state.checking::before{content:"\\25CC"}
.state.maintenance{color:var(--maint)}.state.maintenance::before{content:"\\2692"}
.bars{display:flex;align-items:flex-end;gap:1px;height:30px;margin:8px 0 2px;border-radius:3px;cursor:pointer;touch-action:manipulation}
.bars:focus-visible{outline:3px solid var(--focus);outline-offset:3px}
.bar{flex:1;height:30%;border-radius:1px;background:var(--none)}
.bar.ok{height:100%;background:var(--ok)}
.bar.degraded{height:70%;background:var(--degraded);background-image:radial-gradient(rgba(0,0,0,.45) 1px,transparent 1.5px);background-size:4px 4px}
.bar.error{height:100%;background:var(--error);background-image:repeating-linear-gradient(45deg,rgba(0,0,0,.5) 0 2px,transparent 2px 5px)}
.bar.maintenance{height:100%;background:var(--maint);background-image:repeating-linear-gradient(0deg,rgba(255,255,255,.45) 0 2px,transparent 2px 5px)}
.bar.selected{outline:2px solid var(--fg);outline-offset:1px}
.bar-detail{min-height:1.5em;font-size:13px;color:var(--fg)}
.meta{color:var(--muted);font-size:13px}
.legend{display:flex;flex-wrap:wrap;gap:14px;color:var(--muted);font-size:13px;margin-top:8px}
.legend .bar{display:inline-block;width:10px;height:14px;vertical-align:middle;margin-right:4px}
.incident{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--error);border-radius:8px;padding:10px 16px;margin-bottom:8px}
.incident.minor,.incident.none{border-left-color:var(--degraded)}
.incident.resolved{border-left-color:var(--ok)}
.incident.maint{border-left-color:var(--maint)}
.incident h3{font-size:15px;margin:0}
.incident .badge{display:inline-block;font-size:12px;font-weight:600;border:1px solid currentColor;border-radius:10px;padding:0 8px;margin-left:8px}
.incident.resolved .badge{color:var(--ok)}
.incident .badge.ongoing{color:var(--error)}
.incident .updates{margin:6px 0 0;padding-left:18px}
.incident .updates li{margin:2px 0;white-space:pre-wrap}
.incidents{list-style:none;padding:0;margin:0}
.pager{margin-top:8px}
a{color:var(--focus)}
footer{color:var(--muted);font-size:13px;margin-top:28px}
noscript p{color:var(--muted);font-size:13px}
`;
