package report

// htmlTemplate is the whole page. Everything is inline: the report is
// opened from CI artifacts and mail attachments, often offline, and a page
// that loads nothing cannot leak the target's URLs to a third party.
const htmlTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>` + htmlCSS + `</style>
</head>
<body>
<header class="page">
<h1>racetest report</h1>
<p class="meta">{{.Tool}}{{if .Started}} · started {{.Started}}{{end}}</p>
{{- if .Interrupted}}
<p class="banner">Interrupted: this report shows what was collected before the stop.</p>
{{- end}}
{{- if gt (len .Runs) 1}}
<nav><ul>{{range .Runs}}<li><a href="#{{.ID}}"><span class="badge {{.State}}">{{if eq .State "none"}}no checks{{else}}{{.State}}{{end}}</span> {{.Name}}</a></li>{{end}}</ul></nav>
{{- end}}
</header>
{{range .Runs}}
<section class="run" id="{{.ID}}">
<h2>{{.Name}}</h2>
<p class="verdict {{.State}}">{{.Verdict}}</p>
{{- if .HitRate}}
<p class="hit-rate">hit rate {{.HitRate}}</p>
{{- end}}
<dl class="facts"><dt>target</dt><dd>{{.Target}}</dd>{{if .Where}}<dt>scenario</dt><dd>{{.Where}}</dd>{{end}}<dt>requests</dt><dd>{{.N}}</dd><dt>mode</dt><dd>{{.Mode}}</dd></dl>
{{- if .Error}}
<p class="run-error"><strong>error</strong> {{.Error}}</p>
{{- end}}
{{- range .Rounds}}
` + htmlRound + `
{{- end}}
</section>
{{end}}
<footer>Times are milliseconds since the first release of the round. The page is self-contained: no scripts, no remote resources.</footer>
</body>
</html>
`

// htmlRound is one round: checks first, because they are the verdict, then
// the numbers, then the picture, then every request for whoever digs.
const htmlRound = `<article class="round{{if .Failed}} failed{{else if not .Checks}} unjudged{{end}}" id="{{.ID}}">
<h3>Round {{.Round}} of {{.Rounds}} <span class="sub">{{.Heading}}</span></h3>
{{- range .Notes}}
<p class="note">note: {{.}}</p>
{{- end}}
<table class="checks">
{{- range .Checks}}
<tr class="check {{.State}}"><td class="state"><span class="badge {{.State}}">{{if eq .State "fail"}}FAIL{{else}}{{.State}}{{end}}</span></td><td><code>{{.Expr}}</code>{{if ne .Scope "burst"}} <span class="scope">{{.Scope}}</span>{{end}}{{if .Seen}}<div class="seen">seen: {{.Seen}}</div>{{end}}{{if .Error}}<div class="seen">error: {{.Error}}</div>{{end}}</td></tr>
{{- else}}
<tr class="check"><td class="state"></td><td class="muted">no checks: this round only shows what happened</td></tr>
{{- end}}
</table>
<div class="stats">
<div><h4>Responses</h4><table class="tally">
{{- range .Tally}}
<tr><th>{{.Label}}</th><td class="num">{{.Count}}</td><td class="bar"><span class="fill {{.Class}}" style="width: {{.Percent}}%"></span></td></tr>
{{- end}}
</table></div>
<div><h4>Latency <span class="sub">release to done</span></h4><table class="kv">{{range .Latency}}<tr><th>{{.Label}}</th><td>{{.Value}}</td></tr>{{end}}</table></div>
<div><h4>Spread</h4><table class="kv"><tr><th>release</th><td>{{.ReleaseSpread}}</td></tr><tr><th>server</th><td>{{.ServerSpread}}</td></tr></table></div>
</div>
{{if .Receipt}}<p class="receipt">{{range $i, $l := .Receipt}}{{if $i}}<br>{{end}}{{$l.Label}}: {{$l.Value}}{{end}}</p>
{{end}}` + htmlTimeline + `
<details class="requests"><summary>Every request ({{len .Requests}})</summary>
<table><thead><tr><th>#</th><th>conn</th><th>status</th><th>released</th><th>arrived</th><th>first byte</th><th>done</th><th>error</th></tr></thead><tbody>
{{- range .Requests}}
<tr><td>{{.Index}}</td><td>{{.Conn}}</td><td><span class="dot {{.Class}}"></span>{{.Status}}</td><td>{{.Released}}</td><td>{{.Arrival}}</td><td>{{.FirstByte}}</td><td>{{.Done}}</td><td>{{.Error}}</td></tr>
{{- end}}
</tbody></table></details>
</article>`

// htmlTimeline draws a round's timeline. The geometry comes from
// newTimeline; the template only places it.
const htmlTimeline = `{{$id := .ID}}{{with .Timeline}}<figure class="timeline-fig">
<svg class="timeline" id="{{$id}}-timeline" role="img" aria-label="timeline of {{.Total}} requests" viewBox="0 0 {{px .Width}} {{px .Height}}" width="{{px .Width}}" height="{{px .Height}}" font-size="11">
{{- $tl := .}}

{{- range .Ticks}}
<line class="grid" x1="{{px .X}}" x2="{{px .X}}" y1="{{px $tl.PlotY}}" y2="{{px $tl.AxisY}}"/><text class="tick" x="{{px .X}}" y="{{px $tl.TickY}}" text-anchor="middle">{{.Label}}</text>
{{- end}}
<line class="axis" x1="{{px .PlotX}}" x2="{{px .AxisX2}}" y1="{{px .AxisY}}" y2="{{px .AxisY}}"/>
<text class="axis-title" x="{{px .TitleX}}" y="{{px .TitleY}}" text-anchor="middle">ms since the first release</text>
{{- range .Rows}}
<g class="req {{.Class}}" data-index="{{.Index}}"><title>{{.Title}}</title>{{if $tl.Labels}}<text class="idx" x="{{px $tl.LabelX}}" y="{{px .LabelY}}" font-size="{{px $tl.FontSize}}" text-anchor="end" dominant-baseline="central">#{{.Index}}</text>{{end}}{{range .Shapes}}<rect class="{{.Class}}" x="{{px .X}}" y="{{px .Y}}" width="{{px .W}}" height="{{px .H}}"/>{{end}}</g>
{{- end}}
{{- /* Bands go over the rows, translucent, so the windows show across the bars. */}}
{{- range .Bands}}
<rect class="{{.Class}}" x="{{px .X}}" y="{{px $tl.PlotY}}" width="{{px .W}}" height="{{px $tl.PlotH}}"/><text class="band-label {{.Class}}" x="{{px .LabelX}}" y="{{px .LabelY}}" text-anchor="{{.Anchor}}">{{.Label}}</text>
{{- end}}
</svg>
<figcaption><span class="key"><i class="sw s2"></i>2xx</span><span class="key"><i class="sw s3"></i>3xx</span><span class="key"><i class="sw s4"></i>4xx</span><span class="key"><i class="sw s5"></i>5xx</span><span class="key"><i class="sw err"></i>no response</span><span class="key"><i class="mk rel"></i>released</span><span class="key"><i class="mk arr"></i>arrived at the server</span><span class="key"><i class="sw pale"></i>waiting for the first byte, then <i class="sw s2 solid"></i>receiving</span>
<br>One row per request{{if .Note}} ({{.Note}}){{end}}, sorted by release; hover a row for its times.</figcaption>
</figure>{{end}}`
