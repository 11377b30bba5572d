package report

// htmlCSS styles the page. System fonts only: a remote font would be a
// request to a third party from a page that must load nothing.
const htmlCSS = `
:root{--fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f1f5f9;--card:#fff;
--pass:#15803d;--pass-bg:#dcfce7;--fail:#b91c1c;--fail-bg:#fee2e2;--error:#6d28d9;--error-bg:#ede9fe;
--s2:#16a34a;--s2p:#bbf7d0;--s3:#2563eb;--s3p:#bfdbfe;--s4:#d97706;--s4p:#fde68a;
--s5:#dc2626;--s5p:#fecaca;--err:#7c3aed;--errp:#c4b5fd;--rel:#0f172a;--arr:#c026d3}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header.page,section.run,footer{max-width:1180px;margin:0 auto;padding:0 20px}
header.page{padding-top:20px}
h1{font-size:22px;margin:0 0 2px}
h2{font-size:18px;margin:28px 0 4px;word-break:break-all}
h3{font-size:15px;margin:0 0 10px}
h4{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:0 0 6px}
.sub{font-weight:400;color:var(--muted);text-transform:none;letter-spacing:0}
.meta,.muted,footer{color:var(--muted)}
footer{padding-top:12px;padding-bottom:28px;font-size:12px}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
nav ul{list-style:none;padding:0;margin:10px 0 0}
nav li{margin:2px 0}
nav a{color:var(--fg);text-decoration:none}
.banner{background:#fef3c7;border:1px solid #f59e0b;padding:8px 12px;border-radius:6px}
.verdict{display:inline-block;margin:4px 0 8px;padding:3px 10px;border-radius:6px;font-weight:600}
.verdict.pass,.badge.pass{color:var(--pass);background:var(--pass-bg)}
.verdict.fail,.badge.fail{color:var(--fail);background:var(--fail-bg)}
.verdict.error,.badge.error{color:var(--error);background:var(--error-bg)}
.verdict.inconclusive,.badge.inconclusive{color:var(--error);background:var(--error-bg)}
.verdict.none,.badge.none,.badge.skip{color:var(--muted);background:#e2e8f0}
.badge{display:inline-block;min-width:44px;text-align:center;padding:1px 6px;border-radius:4px;font-size:12px;font-weight:700;text-transform:uppercase}
dl.facts{display:flex;flex-wrap:wrap;gap:2px 18px;margin:0 0 12px;color:var(--muted)}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0 0 0 -12px;color:var(--fg);word-break:break-all}
.run-error{background:var(--error-bg);color:var(--error);padding:8px 12px;border-radius:6px}
article.round{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--pass);border-radius:8px;padding:14px 18px;margin:0 0 16px}
article.round.failed{border-left-color:var(--fail)}
article.round.unjudged{border-left-color:var(--muted)}
.note{margin:0 0 8px;color:#92400e}
.receipt{margin:0 0 8px;color:var(--muted)}
table{border-collapse:collapse}
table.checks{width:100%;margin:0 0 12px}
table.checks td{padding:5px 8px;border-top:1px solid var(--line);vertical-align:top}
table.checks tr:first-child td{border-top:0}
td.state{width:60px}
.scope{font-size:11px;color:var(--muted);border:1px solid var(--line);border-radius:3px;padding:0 4px}
.seen{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--fail);margin-top:2px;word-break:break-word}
.stats{display:flex;flex-wrap:wrap;gap:12px 40px;margin:0 0 10px}
.stats th{text-align:left;font-weight:600;padding:1px 12px 1px 0}
.stats td{padding:1px 8px 1px 0;font-variant-numeric:tabular-nums}
td.num{text-align:right}
td.bar{width:160px}
.fill{display:block;height:10px;border-radius:2px;min-width:2px}
.fill.s2,.sw.s2,.dot.s2{background:var(--s2)}
.fill.s3,.sw.s3,.dot.s3{background:var(--s3)}
.fill.s4,.sw.s4,.dot.s4{background:var(--s4)}
.fill.s5,.sw.s5,.dot.s5{background:var(--s5)}
.fill.err,.sw.err,.dot.err{background:var(--err)}
.sw.pale{background:var(--s2p)}
figure.timeline-fig{margin:6px 0 8px}
svg.timeline{display:block;width:100%;height:auto;max-width:1100px;font-family:system-ui,sans-serif}
svg .grid{stroke:var(--line);stroke-width:1}
svg .axis{stroke:var(--muted);stroke-width:1}
svg .tick,svg .idx{fill:var(--muted)}
svg .axis-title{fill:var(--muted);font-size:12px}
svg .band-rel{fill:#0f172a;fill-opacity:.08;pointer-events:none}
svg .band-arr{fill:var(--arr);fill-opacity:.1;pointer-events:none}
svg text.band-rel{fill:#334155;fill-opacity:1;font-weight:600}
svg text.band-arr{fill:var(--arr);fill-opacity:1;font-weight:600}
.s2 .wait{fill:var(--s2p)}.s2 .xfer{fill:var(--s2)}
.s3 .wait{fill:var(--s3p)}.s3 .xfer{fill:var(--s3)}
.s4 .wait{fill:var(--s4p)}.s4 .xfer{fill:var(--s4)}
.s5 .wait{fill:var(--s5p)}.s5 .xfer{fill:var(--s5)}
.err .wait{fill:var(--errp)}.err .xfer{fill:var(--err)}
svg .rel{fill:var(--rel)}
svg .arr{fill:var(--arr)}
svg g.req rect{shape-rendering:crispEdges}
svg g.req:hover rect{stroke:var(--fg);stroke-width:.5}
figcaption{font-size:12px;color:var(--muted);margin-top:6px}
.key{display:inline-flex;align-items:center;gap:4px;margin-right:14px;white-space:nowrap}
.sw{display:inline-block;width:14px;height:9px;border-radius:2px}
.mk{display:inline-block;width:3px;height:12px}
.mk.rel{background:var(--rel)}.mk.arr{background:var(--arr)}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:5px}
details.requests summary{cursor:pointer;color:var(--muted);font-size:13px}
details.requests table{margin-top:6px;font-size:12px;font-variant-numeric:tabular-nums}
details.requests th,details.requests td{padding:2px 10px 2px 0;text-align:left;border-bottom:1px solid var(--line)}
`
