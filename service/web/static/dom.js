/* The page's vocabularies and DOM helpers, shared by app.js, exports.js and panels.js (window.Framing).
 *
 * Everything that comes from the user or the API goes in the page as text nodes, never as HTML.
 */
(function () {
  "use strict";

  var F = window.Framing = window.Framing || {};

  F.LABELS = ["asserted", "attributed", "hedged", "none"];
  F.STANCES = ["neutral", "endorsing", "distancing", "denial"];
  F.STANCE_MARK = { neutral: "=", endorsing: "+", distancing: "~", denial: "\u00d7" };
  F.CUE_NAMES = {
    reporting_verb: "reporting verb", according_to: "according to / selon", unnamed_source: "unnamed source",
    hedge: "hedge", booster: "booster", conditional: "conditional verb", quote: "quotation",
    question: "question", furniture: "page furniture"
  };

  // el("span", {class: "x", title: "y"}, child, "text", ...): text children become text nodes.
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "class") node.className = value;
        else node.setAttribute(key, value === true ? "" : String(value));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.append(child);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function pct(x) { return Math.round((Number(x) || 0) * 100) + "%"; }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // Only known names become class names; anything else maps to a fixed fallback.
  function safeKey(value, allowed, fallback) { return allowed.indexOf(value) >= 0 ? value : fallback; }

  // Code-point offset -> UTF-16 offset in `text` (identity when the text has no astral characters).
  function offsetMapper(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) {
      return function (i) { return Math.max(0, Math.min(i | 0, text.length)); };
    }
    var map = [];
    var unit = 0;
    for (var ch of text) { map.push(unit); unit += ch.length; }
    map.push(unit);
    return function (i) { return map[Math.max(0, Math.min(i | 0, map.length - 1))]; };
  }

  F.el = el;
  F.clear = clear;
  F.pct = pct;
  F.plural = plural;
  F.safeKey = safeKey;
  F.offsetMapper = offsetMapper;
}());
