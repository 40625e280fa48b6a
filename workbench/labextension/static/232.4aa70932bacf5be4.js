"use strict";(self.rspackChunkworkbench_jupyterlab=self.rspackChunkworkbench_jupyterlab||[]).push([[232],{475(r,o,e){var n=e(601),t=e.n(n),a=e(314),p=(e.n(a))()(t());p.push([r.id,`/* workbench-jupyterlab: theme variables only, so light and dark themes both work. */

/* -- kind badges (cells, panel, graph details) ------------------------------------------ */
.jp-workbench-Kind {
  display: inline-block;
  margin-left: 6px;
  padding: 0 6px;
  border-radius: 8px;
  color: white;
  font-size: var(--jp-ui-font-size0);
  line-height: 16px;
  vertical-align: middle;
}

.jp-workbench-magicCell .jp-InputArea {
  position: relative;
}

.jp-workbench-CellKind {
  position: absolute;
  top: 24px;
  left: 0;
  width: calc(var(--jp-cell-prompt-width) - 6px);
  display: flex;
  flex-direction: column;
  align-items: flex-end;
  font-family: var(--jp-ui-font-family);
  font-size: var(--jp-ui-font-size0);
  font-weight: 600;
  line-height: 1.45;
}

.jp-workbench-CellKind-kind {
  max-width: 100%;
  overflow: hidden;
  white-space: nowrap;
  text-overflow: ellipsis;
  color: var(--jp-workbench-kind-colour, var(--jp-ui-font-color2));
}

.jp-workbench-CellKind-kind::before {
  content: '';
  display: inline-block;
  width: 7px;
  height: 7px;
  margin-right: 4px;
  border-radius: 50%;
  background: var(--jp-workbench-kind-colour, var(--jp-ui-font-color2));
}

/* -- graph view ----------------------------------------------------------------------------- */
.jp-workbench-GraphOutput {
  overflow: hidden;
}

.jp-workbench-Graph {
  font-family: var(--jp-ui-font-family);
  font-size: var(--jp-ui-font-size1);
  color: var(--jp-ui-font-color1);
}

.jp-workbench-Graph-header {
  margin-bottom: 4px;
}

.jp-workbench-Graph-body {
  display: flex;
  flex-wrap: wrap;
  gap: 8px;
  align-items: flex-start;
}

.jp-workbench-Graph-canvas {
  position: relative;
  flex: 1 1 360px;
  min-width: 240px;
  border: 1px solid var(--jp-border-color2);
  border-radius: 4px;
  background: var(--jp-layout-color0);
}

.jp-workbench-Graph-svg {
  display: block;
  width: 100%;
  cursor: grab;
  touch-action: none;
  user-select: none;
}

.jp-workbench-Graph-svg.jp-mod-panning {
  cursor: grabbing;
}

.jp-workbench-Graph-node {
  cursor: pointer;
  outline: none;
}

/* theme colours over the SVG's own (which match the inline SVG of other frontends) */
.jp-workbench-Graph-node rect {
  fill: var(--jp-layout-color0);
}

.jp-workbench-Graph-name {
  fill: var(--jp-ui-font-color0);
}

.jp-workbench-Graph-edge path {
  stroke: var(--jp-ui-font-color2);
}

.jp-workbench-Graph svg marker path {
  fill: var(--jp-ui-font-color2);
}

.jp-workbench-Graph-node:hover rect,
.jp-workbench-Graph-node:focus rect {
  stroke-width: 3;
}

.jp-workbench-Graph-node.jp-mod-selected rect {
  stroke-width: 3.5;
  fill: var(--jp-brand-color4, #e3f2fd);
}

.jp-workbench-Graph-toolbar {
  position: absolute;
  top: 4px;
  right: 4px;
  display: flex;
  gap: 2px;
}

.jp-workbench-Graph-button {
  width: 22px;
  height: 22px;
  padding: 0;
  border: 1px solid var(--jp-border-color1);
  border-radius: 3px;
  background: var(--jp-layout-color1);
  color: var(--jp-ui-font-color1);
  cursor: pointer;
}

.jp-workbench-Graph-details {
  flex: 1 1 280px;
  min-width: 220px;
  max-height: 480px;
  overflow: auto;
  padding: 4px 8px;
  border-left: 3px solid var(--jp-border-color2);
}

.jp-workbench-Graph-hint,
.jp-workbench-Graph-empty {
  color: var(--jp-ui-font-color2);
  font-style: italic;
}

.jp-workbench-Graph-detailsTitle {
  font-size: var(--jp-ui-font-size2);
  margin-bottom: 4px;
}

.jp-workbench-Graph-module {
  color: var(--jp-ui-font-color2);
  margin-bottom: 6px;
  word-break: break-all;
}

.jp-workbench-Graph-sectionTitle {
  margin-top: 6px;
  font-weight: 600;
}

.jp-workbench-Graph-section table {
  border-collapse: collapse;
}

.jp-workbench-Graph-section th {
  padding: 1px 10px 1px 0;
  text-align: left;
  font-weight: normal;
  color: var(--jp-ui-font-color2);
}

.jp-workbench-Graph-section td {
  padding: 1px 0;
}

.jp-workbench-Graph-source {
  max-height: 260px;
  overflow: auto;
  margin: 2px 0;
  padding: 4px 6px;
  background: var(--jp-cell-editor-background);
  border: 1px solid var(--jp-cell-editor-border-color);
  font-family: var(--jp-code-font-family);
  font-size: var(--jp-code-font-size);
  line-height: var(--jp-code-line-height);
  white-space: pre;
}

.jp-workbench-py-keyword {
  color: var(--jp-mirror-editor-keyword-color);
  font-weight: bold;
}

.jp-workbench-py-string {
  color: var(--jp-mirror-editor-string-color);
}

.jp-workbench-py-comment {
  color: var(--jp-mirror-editor-comment-color);
  font-style: italic;
}

.jp-workbench-py-number {
  color: var(--jp-mirror-editor-number-color);
}

.jp-workbench-py-def {
  color: var(--jp-mirror-editor-def-color);
}

/* -- side panel ----------------------------------------------------------------------------- */
.jp-workbench-Panel {
  display: flex;
  flex-direction: column;
  overflow: auto;
  padding: 0 8px 8px;
  background: var(--jp-layout-color1);
  color: var(--jp-ui-font-color1);
  font-size: var(--jp-ui-font-size1);
  min-width: 240px;
}

.jp-workbench-Panel-header {
  display: flex;
  align-items: center;
  justify-content: space-between;
  padding: 8px 0 2px;
}

.jp-workbench-Panel-title {
  font-size: var(--jp-ui-font-size2);
  font-weight: 600;
  text-transform: uppercase;
  letter-spacing: 0.5px;
}

.jp-workbench-Panel-refresh {
  border: none;
  background: none;
  color: var(--jp-ui-font-color1);
  font-size: 16px;
  cursor: pointer;
}

.jp-workbench-Panel-status {
  color: var(--jp-ui-font-color2);
  padding-bottom: 6px;
  border-bottom: 1px solid var(--jp-border-color2);
}

.jp-workbench-Panel-status[data-state='connected']::before {
  content: '●  ';
  color: #27ae60;
}

.jp-workbench-Panel-sectionTitle {
  margin-top: 10px;
  font-weight: 600;
}

.jp-workbench-Panel-list {
  list-style: none;
  margin: 2px 0;
  padding: 0;
}

.jp-workbench-Panel-item {
  padding: 3px 4px;
  border-radius: 3px;
}

.jp-workbench-Panel-graphItem,
.jp-workbench-Panel-run {
  cursor: pointer;
}

.jp-workbench-Panel-graphItem:hover,
.jp-workbench-Panel-run:hover,
.jp-workbench-Panel-item.jp-mod-selected {
  background: var(--jp-layout-color2);
}

.jp-workbench-Panel-name {
  font-family: var(--jp-code-font-family);
  word-break: break-all;
}

.jp-workbench-Panel-facts,
.jp-workbench-Panel-empty {
  color: var(--jp-ui-font-color2);
  font-size: var(--jp-ui-font-size0);
}

.jp-workbench-Panel-empty {
  font-style: italic;
  padding: 2px 4px;
}

.jp-workbench-Panel-graph {
  margin-top: 10px;
}

.jp-workbench-Panel-graph .jp-workbench-Graph-details {
  border-left: none;
  border-top: 3px solid var(--jp-border-color2);
  max-height: none;
}

.jp-workbench-Panel-error {
  color: var(--jp-error-color1);
}

/* -- the %%operator / %%graph line: a magic with options, not code ------------------------ */
.jp-workbench-magicLine,
.jp-workbench-magicLine span {
  color: var(--jp-mirror-editor-meta-color) !important;
}

.jp-workbench-magicLine .jp-workbench-magicName,
.jp-workbench-magicLine .jp-workbench-magicName span {
  color: var(--jp-mirror-editor-keyword-color) !important;
  font-weight: bold;
}

.jp-workbench-magicLine .jp-workbench-magicOption,
.jp-workbench-magicLine .jp-workbench-magicOption span {
  color: var(--jp-mirror-editor-attribute-color) !important;
}
`,""]),e.d(o,{},{A:p})},314(r){r.exports=function(r){var o=[];return o.toString=function(){return this.map(function(o){var e="",n=void 0!==o[5];return o[4]&&(e+="@supports (".concat(o[4],") {")),o[2]&&(e+="@media ".concat(o[2]," {")),n&&(e+="@layer".concat(o[5].length>0?" ".concat(o[5]):""," {")),e+=r(o),n&&(e+="}"),o[2]&&(e+="}"),o[4]&&(e+="}"),e}).join("")},o.i=function(r,e,n,t,a){"string"==typeof r&&(r=[[null,r,void 0]]);var p={};if(n)for(var i=0;i<this.length;i++){var c=this[i][0];null!=c&&(p[c]=!0)}for(var l=0;l<r.length;l++){var s=[].concat(r[l]);n&&p[s[0]]||(void 0!==a&&(void 0===s[5]||(s[1]="@layer".concat(s[5].length>0?" ".concat(s[5]):""," {").concat(s[1],"}")),s[5]=a),e&&(s[2]&&(s[1]="@media ".concat(s[2]," {").concat(s[1],"}")),s[2]=e),t&&(s[4]?(s[1]="@supports (".concat(s[4],") {").concat(s[1],"}"),s[4]=t):s[4]="".concat(t)),o.push(s))}},o}},601(r){r.exports=function(r){return r[1]}},72(r){var o=[];function e(r){for(var e=-1,n=0;n<o.length;n++)if(o[n].identifier===r){e=n;break}return e}function n(r,n){for(var t={},a=[],p=0;p<r.length;p++){var i=r[p],c=n.base?i[0]+n.base:i[0],l=t[c]||0,s="".concat(c," ").concat(l);t[c]=l+1;var h=e(s),d={css:i[1],media:i[2],sourceMap:i[3],supports:i[4],layer:i[5]};if(-1!==h)o[h].references++,o[h].updater(d);else{var u=function(r,o){var e=o.domAPI(o);return e.update(r),function(o){o?(o.css!==r.css||o.media!==r.media||o.sourceMap!==r.sourceMap||o.supports!==r.supports||o.layer!==r.layer)&&e.update(r=o):e.remove()}}(d,n);n.byIndex=p,o.splice(p,0,{identifier:s,updater:u,references:1})}a.push(s)}return a}r.exports=function(r,t){var a=n(r=r||[],t=t||{});return function(r){r=r||[];for(var p=0;p<a.length;p++){var i=e(a[p]);o[i].references--}for(var c=n(r,t),l=0;l<a.length;l++){var s=e(a[l]);0===o[s].references&&(o[s].updater(),o.splice(s,1))}a=c}}},659(r){var o={};r.exports=function(r,e){var n=function(r){if(void 0===o[r]){var e=document.querySelector(r);if(window.HTMLIFrameElement&&e instanceof window.HTMLIFrameElement)try{e=e.contentDocument.head}catch(r){e=null}o[r]=e}return o[r]}(r);if(!n)throw Error("Couldn't find a style target. This probably means that the value for the 'insert' parameter is invalid.");n.appendChild(e)}},540(r){r.exports=function(r){var o=document.createElement("style");return r.setAttributes(o,r.attributes),r.insert(o,r.options),o}},56(r,o,e){r.exports=function(r){var o=e.nc;o&&r.setAttribute("nonce",o)}},825(r){r.exports=function(r){if("u"<typeof document)return{update:function(){},remove:function(){}};var o=r.insertStyleElement(r);return{update:function(e){var n,t,a;n="",e.supports&&(n+="@supports (".concat(e.supports,") {")),e.media&&(n+="@media ".concat(e.media," {")),(t=void 0!==e.layer)&&(n+="@layer".concat(e.layer.length>0?" ".concat(e.layer):""," {")),n+=e.css,t&&(n+="}"),e.media&&(n+="}"),e.supports&&(n+="}"),(a=e.sourceMap)&&"u">typeof btoa&&(n+="\n/*# sourceMappingURL=data:application/json;base64,".concat(btoa(unescape(encodeURIComponent(JSON.stringify(a))))," */")),r.styleTagTransform(n,o,r.options)},remove:function(){var r;null===(r=o).parentNode||r.parentNode.removeChild(r)}}}},113(r){r.exports=function(r,o){if(o.styleSheet)o.styleSheet.cssText=r;else{for(;o.firstChild;)o.removeChild(o.firstChild);o.appendChild(document.createTextNode(r))}}},579(r,o,e){var n=e(72),t=e.n(n),a=e(825),p=e.n(a),i=e(659),c=e.n(i),l=e(56),s=e.n(l),h=e(540),d=e.n(h),u=e(113),b=e.n(u),f=e(475),j={};j.styleTagTransform=b(),j.setAttributes=s(),j.insert=c().bind(null,"head"),j.domAPI=p(),j.insertStyleElement=d(),t()(f.A,j),f.A&&f.A.locals&&f.A.locals}}]);