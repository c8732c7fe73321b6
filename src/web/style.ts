// The page's stylesheet (inlined in every page; no external assets).
export const PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:"DejaVu Sans","Liberation Sans",Arial,Helvetica,sans-serif;font-size:14px;color:#222;background:#f4f5f7}
.top{display:flex;align-items:baseline;gap:14px;padding:10px 18px;background:#1f2a38;color:#fff}
.brand{font-weight:bold;font-size:18px;letter-spacing:.5px}
.page-title{font-size:15px;opacity:.9}
.count,.generated{font-size:12px;opacity:.7}
.generated{margin-left:auto}
.layout{display:flex;min-height:calc(100vh - 44px)}
.sidebar{width:290px;flex:none;background:#fff;border-right:1px solid #dde1e6;padding:10px 0;overflow-y:auto;max-height:calc(100vh - 44px);position:sticky;top:0}
.nav-item,.run-item{display:block;padding:6px 14px;color:#1f2a38;text-decoration:none;border-left:3px solid transparent}
.nav-item{font-weight:bold}
.nav-item:hover,.run-item:hover{background:#eef2f7}
.nav-item.active,.run-item.active{background:#e3ecf8;border-left-color:#4e79a7}
.group{margin:12px 14px 4px;font-size:11px;text-transform:uppercase;letter-spacing:.6px;color:#777}
.run-name{display:block;font-size:13px;word-break:break-all}
.run-badges{display:block;margin-top:2px}
.badge{display:inline-block;padding:1px 7px;margin:1px 4px 1px 0;border-radius:9px;font-size:11px;background:#dde3ea;color:#223}
.badge-info{background:#e8eef5;color:#1f2a38}
.badge-warn{background:#fff1d6;color:#8a5a00}
.badge-state{background:#ffe8cc;color:#8a4b00}
main{flex:1;padding:16px 22px;min-width:0}
.run-title{margin:0 0 6px;font-size:20px;word-break:break-all}
.run-meta{margin-bottom:4px}
.kind{font-size:12px;color:#666;margin-right:8px;text-transform:uppercase;letter-spacing:.5px}
.run-path{font-family:"DejaVu Sans Mono",monospace;font-size:11px;color:#777;margin:2px 0}
.downloads{font-size:12px;color:#555;margin:6px 0}
.downloads a{margin-right:8px;color:#4e79a7;font-weight:bold}
.progress{position:relative;height:16px;background:#e6e9ee;border-radius:8px;margin:6px 0;max-width:420px;overflow:hidden}
.progress-bar{height:100%;background:#f28e2b}
.progress-text{position:absolute;left:8px;top:0;font-size:11px;line-height:16px}
.panels{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:14px;margin-top:12px}
.panel{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:8px 10px;min-width:0}
.panel-head{display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap}
.panel-title{margin:0;font-size:13px;font-weight:normal;color:#444;word-break:break-all}
.toggles{display:flex;gap:0}
.toggle{border:1px solid #b8c2cf;background:#fff;padding:2px 9px;font-size:12px;cursor:pointer;margin-left:-1px}
.toggle:first-child{border-radius:4px 0 0 4px}.toggle:last-child{border-radius:0 4px 4px 0}
.toggle.active{background:#4e79a7;border-color:#4e79a7;color:#fff}
.plot{height:360px}
.plot-gl3d{height:440px}
.note{font-size:11px;color:#777;margin:4px 0 0}
.scalars{border-collapse:collapse;margin-top:16px;background:#fff;font-size:12px}
.scalars th,.scalars td{border:1px solid #e1e4e8;padding:3px 8px;text-align:left;vertical-align:top}
.scalars th{font-weight:normal;color:#555;font-family:"DejaVu Sans Mono",monospace}
.provenance{margin-top:14px;background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:6px 10px}
.provenance summary{cursor:pointer;color:#4e79a7}
.provenance pre{font-size:11px;max-height:420px;overflow:auto}
.warnings{color:#8a5a00;font-size:12px}
.error{color:#b00020}
.empty,.lead{color:#666}
.compare-bar{margin-bottom:10px}
.compare-select{max-width:320px;margin:0 6px}
.compare{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.compare .panels{grid-template-columns:1fr}
.compare-col{min-width:0}
`;
