/* Renders /v1/openapi.json as readable documentation. Plain DOM, no libraries.
   All data goes through textContent / text nodes; innerHTML is never used. */
(function () {
  'use strict';
  var SPEC_URL = '/v1/openapi.json';
  var METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options', 'head'];
  var spec = {};
  var defs = {}; // every $defs entry found anywhere in the document, by name

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (attrs[k] != null) node.setAttribute(k, attrs[k]); });
    for (var i = 2; i < arguments.length; i++) add(node, arguments[i]);
    return node;
  }
  function add(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) child.forEach(function (c) { add(node, c); });
    else node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  function code(text) { return el('code', null, text); }
  function badge(m) { return [el('span', { 'class': 'm m-' + m }, m.toUpperCase()), ' ']; }
  function isObj(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
  function show(v) { return JSON.stringify(v); }
  function has(o, k) { return isObj(o) && Object.prototype.hasOwnProperty.call(o, k); }

  function collectDefs(node, depth) {
    if (!node || typeof node !== 'object' || depth > 40) return;
    if (isObj(node.$defs)) Object.keys(node.$defs).forEach(function (k) { defs[k] = node.$defs[k]; });
    Object.keys(node).forEach(function (k) { collectDefs(node[k], depth + 1); });
  }

  function lookup(ref) {
    if (typeof ref !== 'string' || ref.indexOf('#/') !== 0) return null;
    var parts = ref.slice(2).split('/').map(function (p) { return decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'); });
    for (var i = 0, cur = spec; i < parts.length && cur; i++) cur = cur[parts[i]];
    if (cur) return cur;
    var name = parts[parts.length - 1];
    return defs[name] || ((spec.components || {}).schemas || {})[name] || null;
  }

  // Follow a chain of $ref; returns the target schema and the last referenced name.
  function deref(s) {
    var name = null;
    for (var n = 0; isObj(s) && s.$ref && n < 32; n++) { name = s.$ref.split('/').pop(); s = lookup(s.$ref); }
    return { s: isObj(s) ? s : {}, name: name };
  }

  function isNull(a) { var s = deref(a).s; return s.type === 'null' || (has(s, 'const') && s.const === null); }

  // Summarise a schema: label, nullable, enum/const values, object to expand, path suffix for children.
  function describe(raw) {
    var r = deref(raw), s = r.s, alts = s.anyOf || s.oneOf, d;
    if (!alts && s.allOf && s.allOf.length === 1) alts = s.allOf;
    if (alts) {
      var rest = alts.filter(function (a) { return !isNull(a); });
      if (rest.length === 1) d = describe(rest[0]);
      else d = { label: rest.map(function (a) { return describe(a).label; }).join(' or ') || 'null', suffix: '' };
      d.nullable = d.nullable || rest.length < alts.length;
      d.desc = s.description || d.desc;
      return d;
    }
    var types = Array.isArray(s.type) ? s.type.slice() : (s.type ? [s.type] : []);
    var nullable = types.indexOf('null') >= 0;
    types = types.filter(function (t) { return t !== 'null'; });
    var type = types.length === 1 ? types[0] : (s.properties ? 'object' : s.items ? 'array' : '');
    var guess = s.enum ? s.enum[0] : has(s, 'const') ? s.const : undefined;
    d = { label: types.join(' or ') || (guess === undefined || guess === null ? 'any' : typeof guess), nullable: nullable, desc: s.description, suffix: '' };
    if (s.enum) d.values = { kind: 'One of', list: s.enum };
    if (has(s, 'const')) d.values = { kind: 'Always', list: [s.const] };
    if (type === 'array') {
      var it = s.items ? describe(s.items) : { label: 'any', suffix: '' };
      d.label = 'array of ' + it.label + (it.nullable ? ' (items may be null)' : '');
      d.expand = it.expand; d.ref = it.ref; d.suffix = '[]' + it.suffix;
      if (it.values) d.values = { kind: 'Each item one of', list: it.values.list };
    } else if (type === 'object' && s.properties) {
      d.label = r.name ? 'object (' + r.name + ')' : 'object'; d.expand = s; d.ref = r.name;
    } else if (type === 'object' && isObj(s.additionalProperties)) {
      var v = describe(s.additionalProperties);
      d.label = 'map of string to ' + v.label; d.expand = v.expand; d.ref = v.ref; d.suffix = '.*' + v.suffix;
    } else if (type === 'object') {
      d.label = 'object (any fields)';
    }
    if (s.format) d.label += ' (' + s.format + ')';
    if (has(s, 'default')) d.dflt = s.default;
    return d;
  }

  // Flatten nested object properties into table rows, guarding against recursive refs.
  function rows(obj, prefix, seen, out, depth) {
    var req = obj.required || [];
    Object.keys(obj.properties || {}).forEach(function (k) {
      var raw = obj.properties[k], d = describe(raw), path = prefix + k;
      if (isObj(raw) && has(raw, 'default')) d.dflt = raw.default;
      var row = { path: path, d: d, required: req.indexOf(k) >= 0, note: null };
      out.push(row);
      if (!d.expand) return;
      if ((d.ref && seen.indexOf(d.ref) >= 0) || depth >= 12) row.note = 'Recursive: same fields as ' + (d.ref || 'above') + '.';
      else rows(d.expand, path + d.suffix + '.', d.ref ? seen.concat([d.ref]) : seen, out, depth + 1);
    });
    if (obj.additionalProperties === true || isObj(obj.additionalProperties)) {
      var ad = obj.additionalProperties === true ? { label: 'any' } : describe(obj.additionalProperties);
      out.push({ path: prefix + '*', d: ad, required: false, note: 'Other fields may be present.' });
    }
    return out;
  }

  function schemaBlock(raw, caption) {
    var d = describe(raw), wrap = el('div');
    add(wrap, el('p', null, 'Type: ', code(d.label + (d.nullable ? ', nullable' : '')),
      d.desc ? ' — ' + d.desc : ''));
    if (!d.expand) return wrap;
    var list = rows(d.expand, d.suffix ? d.suffix + '.' : '', d.ref ? [d.ref] : [], [], 0);
    if (!list.length) return wrap;
    var tbody = el('tbody');
    list.forEach(function (r) {
      var info = [];
      if (r.d.desc) info.push(el('div', null, r.d.desc));
      if (r.d.values) info.push(el('div', null, r.d.values.kind + ': ',
        r.d.values.list.map(function (v, i) { return [i ? ', ' : '', code(show(v))]; })));
      if (r.d.dflt !== undefined) info.push(el('div', null, 'Default: ', code(show(r.d.dflt))));
      if (r.note) info.push(el('div', { 'class': 'note' }, r.note));
      add(tbody, el('tr', null, el('td', null, code(r.path)),
        el('td', null, r.d.label, r.d.nullable ? el('div', { 'class': 'note' }, 'nullable') : null),
        el('td', null, r.required ? 'yes' : 'optional'), el('td', null, info)));
    });
    add(wrap, el('div', { 'class': 'scroll', tabindex: '0', role: 'region', 'aria-label': caption },
      el('table', null, el('caption', { 'class': 'note' }, caption),
        el('thead', null, el('tr', null, ['Field', 'Type', 'Required', 'Description'].map(function (h) { return el('th', { scope: 'col' }, h); }))),
        tbody)));
    return wrap;
  }

  // Example value for a schema: "examples" first, then example/const/default/enum, then a placeholder.
  function example(raw, depth) {
    var own = pick(raw); if (own.found) return own.value;
    var r = deref(raw), s = r.s, p = pick(s); if (p.found) return p.value;
    var alts = s.anyOf || s.oneOf || (s.allOf && s.allOf.length === 1 ? s.allOf : null);
    if (alts) { var nn = alts.filter(function (a) { return !isNull(a); }); return nn.length ? example(nn[0], depth) : null; }
    if (depth > 8) return null;
    var t = Array.isArray(s.type) ? s.type.filter(function (x) { return x !== 'null'; })[0] : s.type;
    if (t === 'array' || (!t && s.items)) return [example(s.items || {}, depth + 1)];
    if (t === 'object' || (!t && s.properties)) {
      var o = {}, req = s.required || [];
      Object.keys(s.properties || {}).forEach(function (k) {
        var v = s.properties[k];
        if (req.indexOf(k) >= 0 || pick(v).found || pick(deref(v).s).found) o[k] = example(v, depth + 1);
      });
      return o;
    }
    return t === 'integer' || t === 'number' ? 0 : t === 'boolean' ? false : '...';
  }
  function pick(s) {
    var v = !isObj(s) ? [] : Array.isArray(s.examples) && s.examples.length ? [s.examples[0]] : has(s, 'example') ? [s.example]
      : has(s, 'const') ? [s.const] : has(s, 'default') && s.default !== null ? [s.default] : Array.isArray(s.enum) && s.enum.length ? [s.enum[0]] : [];
    return { found: v.length > 0, value: v[0] };
  }
  function mediaExample(media) {
    if (has(media, 'example')) return media.example;
    var ex = isObj(media.examples) ? media.examples[Object.keys(media.examples)[0]] : null;
    return ex && has(ex, 'value') ? ex.value : example(media.schema || {}, 0);
  }
  // One-line JSON with a space after ':' and ','; raw newlines only ever occur between tokens.
  function compactJson(v) {
    return JSON.stringify(v, null, 1).replace(/([[{])\n\s*/g, '$1').replace(/\n\s*([\]}])/g, '$1').replace(/\n\s*/g, ' ');
  }
  function shq(s) { return /^[\w.:\/@%+=,-]+$/.test(s) ? s : "'" + String(s).replace(/'/g, "'\\''") + "'"; }

  function baseUrl() {
    var loc = window.location, origin = /^https?:$/.test(loc.protocol) ? loc.origin : 'http://127.0.0.1:8000';
    var srv = (spec.servers && spec.servers[0] && spec.servers[0].url) || '';
    return (/^https?:\/\//.test(srv) ? srv : origin + srv).replace(/\/+$/, '');
  }
  function jsonMedia(content) {
    var keys = Object.keys(content || {});
    var k = keys.filter(function (x) { return /json/.test(x); })[0] || keys[0];
    return k ? { type: k, media: content[k] } : null;
  }

  function operation(path, method, op, id) {
    var sec = el('section', { id: id, 'aria-labelledby': id + '-h' });
    add(sec, el('h2', { id: id + '-h' }, badge(method), code(path)));
    if (op.summary) add(sec, el('p', null, el('strong', null, op.summary)));
    if (op.description) add(sec, el('p', null, op.description));
    var params = (op.parameters || []).map(function (p) { return deref(p).s; });
    if (params.length) {
      add(sec, el('h3', null, 'Parameters'));
      add(sec, el('ul', null, params.map(function (p) {
        return el('li', null, code(p.name), ' (' + p['in'] + ', ' + describe(p.schema || {}).label +
          (p.required ? ', required' : ', optional') + ')', p.description ? ' — ' + p.description : '');
      })));
    }
    var body = op.requestBody ? deref(op.requestBody).s : null, bm = body && jsonMedia(body.content);
    if (bm) {
      add(sec, el('h3', null, 'Request body'));
      add(sec, el('p', { 'class': 'meta' }, code(bm.type), body.required ? ', required' : ', optional',
        body.description ? ' — ' + body.description : ''));
      add(sec, schemaBlock(bm.media.schema || {}, 'Request fields for ' + method.toUpperCase() + ' ' + path));
    }
    add(sec, el('h3', null, 'Responses'));
    Object.keys(op.responses || {}).forEach(function (status) {
      var resp = deref(op.responses[status]).s, rm = jsonMedia(resp.content);
      add(sec, el('h4', null, code(status), resp.description ? ' — ' + resp.description : ''));
      if (!rm || !rm.media.schema) return;
      var det = el('details', /^2/.test(status) ? { open: '' } : null,
        el('summary', null, 'Response body (' + rm.type + '): ' + describe(rm.media.schema).label));
      add(det, schemaBlock(rm.media.schema, 'Response ' + status + ' fields for ' + method.toUpperCase() + ' ' + path));
      add(sec, det);
    });
    var cmd = 'curl -s' + (method === 'get' ? '' : ' -X ' + method.toUpperCase()) + ' ' + shq(baseUrl() + path);
    if (bm && /json/.test(bm.type)) cmd += " -H 'Content-Type: application/json' -d " + shq(compactJson(mediaExample(bm.media)));
    add(sec, el('h3', null, 'Example'));
    add(sec, el('pre', null, el('code', null, cmd)));
    add(sec, el('p', { 'class': 'top' }, el('a', { href: '#contents' }, 'Back to contents')));
    return sec;
  }

  function render(doc) {
    spec = doc; collectDefs(doc, 0);
    var info = doc.info || {}, app = el('div'); // built off-page, attached only once complete
    document.getElementById('title').textContent = info.title || 'API documentation';
    document.title = (info.title || 'API') + ' — documentation';
    add(app, el('p', { 'class': 'meta' }, 'Version ', code(info.version || '?'),
      doc.openapi ? ' · OpenAPI ' + doc.openapi : '', ' · Raw document: ', el('a', { href: SPEC_URL }, SPEC_URL)));
    String(info.description || '').split(/\n\s*\n/).forEach(function (p) { if (p.trim()) add(app, el('p', null, p)); });
    var toc = el('ul'), sections = [], used = {};
    Object.keys(doc.paths || {}).forEach(function (path) {
      var item = doc.paths[path] || {};
      METHODS.forEach(function (m) {
        if (!isObj(item[m])) return;
        var op = item[m], id = 'op-' + m + path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '');
        while (used[id]) id += '-x';
        used[id] = true;
        add(toc, el('li', null, el('a', { href: '#' + id }, badge(m), code(path)), op.summary ? ' — ' + op.summary : ''));
        sections.push(operation(path, m, op, id));
      });
    });
    add(app, el('nav', { 'aria-labelledby': 'contents' }, el('h2', { id: 'contents' }, 'Endpoints'), toc));
    add(app, sections);
    add(document.getElementById('app'), app);
  }

  function fail(err) {
    add(document.getElementById('app'), el('p', { 'class': 'error', role: 'alert' }, 'Could not load the API description from ' + SPEC_URL +
      ': ' + (err && err.message ? err.message : String(err)) + '. Try opening ', el('a', { href: SPEC_URL }, SPEC_URL), ' directly.'));
  }

  function start() {
    var status = document.getElementById('status');
    fetch(SPEC_URL, { headers: { Accept: 'application/json' } }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(function (doc) { if (isObj(doc)) render(doc); else throw new Error('the response is not a JSON object'); }).catch(fail).then(function () { if (status && status.parentNode) status.parentNode.removeChild(status); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
