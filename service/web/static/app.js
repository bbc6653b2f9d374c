/* The analysis page (/): sends the text to the analyze endpoint and draws the answer.
 *
 * Plain JavaScript, no library, no build step. Everything that comes from the user or the API is
 * put in the page with textContent / createTextNode, never as HTML. The API's offsets count code
 * points (Python); JavaScript strings count UTF-16 units, so offsets are converted before slicing.
 */
(function () {
  "use strict";

  var ERROR_TITLES = {
    400: "The text was refused", 413: "The text is too long", 415: "The request was refused",
    422: "Unsupported language", 429: "Too many requests", 503: "The service is not ready"
  };
  var TIMEOUT_MS = 120000;
  var MAX_FILE_BYTES = 8 * 1024 * 1024;

  var $ = function (id) { return document.getElementById(id); };
  var form, textBox, fileInput, langSelect, button, statusEl, errorEl, results, article, tip;
  var state = null; // {text, lang, data, toUnit, sentEls, picked, mentionSource, sentenceSources}
  var tipNode = null; // the sentence the tooltip describes

  var F = window.Framing;  // dom.js, exports.js, panels.js
  var LABELS = F.LABELS, CUE_NAMES = F.CUE_NAMES;
  var el = F.el, clear = F.clear, pct = F.pct, plural = F.plural, safeKey = F.safeKey, offsetMapper = F.offsetMapper;

  function cueKey(type) { return Object.prototype.hasOwnProperty.call(CUE_NAMES, type) ? type : "other"; }

  function setStatus(message) { statusEl.textContent = message; }

  function showError(message) {
    errorEl.textContent = message;
    errorEl.hidden = false;
  }

  function clearError() { errorEl.textContent = ""; errorEl.hidden = true; }

  // A plain sentence for an error answer of the API ({"error": {"code", "message", "field"}}).
  function errorMessage(status, body) {
    var err = body && typeof body === "object" ? body.error : null;
    var detail = err && typeof err.message === "string" ? err.message : "";
    var title = ERROR_TITLES[status] || ("The service answered with an error (HTTP " + status + ")");
    if (!detail) return title + ".";
    detail = detail.charAt(0).toUpperCase() + detail.slice(1);
    return title + ": " + detail + (/[.!?]$/.test(detail) ? "" : ".");
  }

  /* ---- input -------------------------------------------------------------------------------- */

  function loadFile(file) {
    clearError();
    if (!file) return;
    var isText = /\.txt$/i.test(file.name) || /^text\//.test(file.type || "");
    if (!isText) { showError("Only plain-text files (.txt) can be opened; \u201c" + file.name + "\u201d is not one."); return; }
    if (file.size > MAX_FILE_BYTES) { showError("The file \u201c" + file.name + "\u201d is too large to analyze here."); return; }
    file.text().then(function (content) {
      textBox.value = content;
      setStatus("Loaded \u201c" + file.name + "\u201d (" + plural(textBox.value.length, "character", "characters") + "). Press Analyze.");
    }, function () {
      showError("The file \u201c" + file.name + "\u201d could not be read.");
    });
  }

  function setBusy(busy) {
    button.disabled = busy;
    button.textContent = busy ? "Analyzing\u2026" : "Analyze";
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function submit(event) {
    event.preventDefault();
    clearError();
    var text = textBox.value;
    if (!text.trim()) {
      showError("There is no text to analyze: paste an article or open a .txt file.");
      textBox.focus();
      return;
    }
    var lang = langSelect.value;
    hideResults();
    setBusy(true);
    setStatus("Analyzing\u2026");
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    var status = 0;
    fetch(form.getAttribute("data-api"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ text: text, lang: lang }),
      signal: controller ? controller.signal : undefined
    }).then(function (resp) {
      status = resp.status;
      return resp.json().catch(function () { return null; }).then(function (body) {
        if (!resp.ok) {
          setStatus("");
          showError(errorMessage(status, body));
          return;
        }
        if (!body || !Array.isArray(body.sentences) || !body.summary) {
          setStatus("");
          showError("The service sent an answer this page does not understand.");
          return;
        }
        render(text, lang, body);
      });
    }).catch(function (err) {
      setStatus("");
      if (err && err.name === "AbortError") showError("The analysis took too long and was stopped. Try a shorter text.");
      else showError("Could not reach the service. Is it still running?");
    }).then(function () {
      if (timer) clearTimeout(timer);
      setBusy(false);
    });
  }

  /* ---- drawing the analysis ----------------------------------------------------------------- */

  function hideResults() {
    state = null;
    results.hidden = true;
    hideTip();
  }

  function render(text, lang, data) {
    var toUnit = offsetMapper(text);
    var sources = Array.isArray(data.summary.sources) ? data.summary.sources : [];
    state = { text: text, lang: lang, data: data, toUnit: toUnit, sentEls: [], picked: null,
              mentionSource: mentionIndex(sources), sentenceSources: sentenceIndex(sources) };
    renderMeta(data);
    F.renderSummary(data, focusSentence);
    renderArticle(text, data, toUnit);
    F.renderSources(sources, data.sentences, pickSource);
    results.hidden = false;
    var n = data.sentences.length;
    setStatus("Analysis ready: " + plural(n, "sentence", "sentences") + ", " +
              plural(sources.length, "source", "sources") + ".");
  }

  // "start:end" of each source mention -> index of its source in summary.sources
  function mentionIndex(sources) {
    var map = new Map();
    sources.forEach(function (src, k) {
      (src.mentions || []).forEach(function (m) { map.set(m.start + ":" + m.end, k); });
    });
    return map;
  }

  // sentence index -> indices of the sources quoted in it
  function sentenceIndex(sources) {
    var map = new Map();
    sources.forEach(function (src, k) {
      (src.sentences || []).forEach(function (i) {
        if (!map.has(i)) map.set(i, []);
        map.get(i).push(k);
      });
    });
    return map;
  }

  function languageName(code) {
    for (var i = 0; i < langSelect.options.length; i++) {
      var opt = langSelect.options[i];
      if (opt.value === code) return opt.textContent;
    }
    return String(code);
  }

  function renderMeta(data) {
    var model = data.model || {};
    $("meta").textContent = "Language: " + languageName(data.lang) + (data.detected ? ", detected automatically" : "") +
      " \u00b7 " + plural(data.sentences.length, "sentence", "sentences") +
      " \u00b7 model " + (model.name || "?") + " " + (model.version || "");
  }

  function renderArticle(text, data, toUnit) {
    clear(article);
    var frag = document.createDocumentFragment();
    var pos = 0;
    data.sentences.forEach(function (s, i) {
      var start = Math.max(toUnit(s.start), pos);
      var end = Math.max(toUnit(s.end), start);
      if (start > pos) frag.append(text.slice(pos, start)); // text between sentences, as given
      var node = sentenceElement(text, s, i, start, end, toUnit);
      state.sentEls.push(node);
      frag.append(node);
      pos = end;
    });
    if (pos < text.length) frag.append(text.slice(pos));
    article.append(frag);
  }

  function sentenceElement(text, s, i, start, end, toUnit) {
    var label = safeKey(s.label, LABELS, "none");
    var node = el("span", { class: "sent lab-" + label, id: "s-" + i, "data-index": i, "data-label": label,
                            tabindex: i === 0 ? "0" : "-1" });
    node.append(el("span", { class: "tag" }, label));
    // Cue and source-mention spans, cut at every boundary so overlapping spans nest cleanly.
    var spans = [];
    (s.cues || []).forEach(function (c) {
      spans.push({ kind: "cue", start: toUnit(c.start), end: toUnit(c.end), cue: c });
    });
    var seen = {};
    (s.attributions || []).forEach(function (a) {
      if (!a.source) return;
      var key = a.source.start + ":" + a.source.end;
      if (seen[key]) return;
      seen[key] = true;
      spans.push({ kind: "src", start: toUnit(a.source.start), end: toUnit(a.source.end),
                   source: state.mentionSource.has(key) ? state.mentionSource.get(key) : null, text: a.source.text });
    });
    spans = spans.filter(function (sp) {
      sp.start = Math.max(sp.start, start);
      sp.end = Math.min(sp.end, end);
      return sp.start < sp.end;
    });
    var cuts = [start, end];
    spans.forEach(function (sp) { cuts.push(sp.start, sp.end); });
    cuts = cuts.filter(function (v, k, all) { return all.indexOf(v) === k; }).sort(function (a, b) { return a - b; });
    for (var k = 0; k + 1 < cuts.length; k++) {
      var a = cuts[k], b = cuts[k + 1];
      var piece = document.createTextNode(text.slice(a, b));
      var covering = spans.filter(function (sp) { return sp.start <= a && sp.end >= b; })
        .sort(function (x, y) { return (x.end - x.start) - (y.end - y.start); }); // innermost first
      var wrapped = piece;
      covering.forEach(function (sp) { wrapped = wrapSpan(sp, wrapped); });
      node.append(wrapped);
    }
    return node;
  }

  function wrapSpan(sp, child) {
    if (sp.kind === "src") {
      return el("span", { class: "src", "data-source": sp.source, title: "source: " + sp.text }, child);
    }
    var c = sp.cue;
    var title = CUE_NAMES[c.type] || String(c.type);
    if (c.lemma) title += ": " + c.lemma;
    if (c.stance) title += " (" + c.stance + ")";
    if (c.subkind) title += " (" + c.subkind + ")";
    if (c.negated) title += ", negated";
    if (c.main_clause === false) title += ", in a subordinate clause";
    return el("span", { class: "cue cue-" + cueKey(c.type), title: title }, child);
  }

  /* ---- interaction -------------------------------------------------------------------------- */

  function pickSource(k) {
    if (!state) return;
    var sources = state.data.summary.sources || [];
    state.picked = state.picked === k ? null : k;
    Array.prototype.forEach.call(document.querySelectorAll(".source-btn"), function (b) {
      var on = Number(b.getAttribute("data-source")) === state.picked;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.parentNode.classList.toggle("picked", on);
    });
    state.sentEls.forEach(function (node) { node.classList.remove("picked"); });
    Array.prototype.forEach.call(article.querySelectorAll(".src-picked"), function (node) {
      node.classList.remove("src-picked");
    });
    if (state.picked === null) { setStatus("No source selected."); return; }
    var src = sources[state.picked];
    var picked = (src.sentences || []).map(function (i) { return state.sentEls[i]; }).filter(Boolean);
    picked.forEach(function (node) { node.classList.add("picked"); });
    Array.prototype.forEach.call(article.querySelectorAll('.src[data-source="' + state.picked + '"]'), function (node) {
      node.classList.add("src-picked");
    });
    if (picked.length) picked[0].scrollIntoView({ block: "center", behavior: "smooth" });
    setStatus("Highlighted " + plural(picked.length, "sentence", "sentences") + " quoting \u201c" + src.name + "\u201d.");
  }

  function focusSentence(i, flash) {
    if (!state || !state.sentEls[i]) return;
    var node = state.sentEls[i];
    state.sentEls.forEach(function (s) { s.setAttribute("tabindex", "-1"); });
    node.setAttribute("tabindex", "0");
    node.scrollIntoView({ block: "center" });
    node.focus({ preventScroll: true });
    if (flash) {
      node.classList.remove("flash");
      void node.offsetWidth;
      node.classList.add("flash");
    }
  }

  function onArticleKey(event) {
    var node = event.target.closest ? event.target.closest(".sent") : null;
    if (!node || !state) return;
    var i = Number(node.getAttribute("data-index"));
    var n = state.sentEls.length;
    var next = null;
    if (event.key === "ArrowDown" || event.key === "ArrowRight") next = Math.min(i + 1, n - 1);
    else if (event.key === "ArrowUp" || event.key === "ArrowLeft") next = Math.max(i - 1, 0);
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = n - 1;
    else if (event.key === "Escape") { hideTip(); return; }
    if (next === null) return;
    event.preventDefault();
    focusSentence(next, false);
  }

  /* ---- tooltip ------------------------------------------------------------------------------ */

  function showTip(node) {
    if (!state) return;
    if (node !== tipNode || tip.hidden) {
      var i = Number(node.getAttribute("data-index"));
      F.fillTip(tip, state.data.sentences[i], i);
    }
    tipNode = node;
    tip.hidden = false;
    var rects = node.getClientRects();
    if (!rects.length) return;
    var first = rects[0], last = rects[rects.length - 1];
    var sx = window.scrollX, sy = window.scrollY;
    var width = tip.offsetWidth, height = tip.offsetHeight;
    var top = first.top + sy - height - 6;
    if (first.top - height - 6 < 0) top = last.bottom + sy + 6;
    var maxLeft = sx + document.documentElement.clientWidth - width - 6;
    var left = Math.max(sx + 6, Math.min(first.left + sx, maxLeft));
    tip.style.top = top + "px";
    tip.style.left = left + "px";
  }

  function hideTip() { if (tip) { tip.hidden = true; tipNode = null; clear(tip); } }

  function activeSentence() {
    var a = document.activeElement;
    return a && a.classList && a.classList.contains("sent") && article.contains(a) ? a : null;
  }

  /* ---- exports (exports.js builds the files) ----------------------------------------------- */

  function exportJSON() {
    if (state) setStatus("Saved " + F.download(F.exportJSON(state.text, state.data)) + ".");
  }

  function exportCSV() {
    if (state) setStatus("Saved " + F.download(F.exportCSV(state.data)) + ".");
  }

  /* ---- wiring ------------------------------------------------------------------------------- */

  function init() {
    form = $("form");
    textBox = $("text");
    fileInput = $("file");
    langSelect = $("lang");
    button = $("analyze");
    statusEl = $("status");
    errorEl = $("error");
    results = $("results");
    article = $("article");
    tip = $("tip");

    form.addEventListener("submit", submit);
    fileInput.addEventListener("change", function () {
      loadFile(fileInput.files && fileInput.files[0]);
      fileInput.value = ""; // so that choosing the same file again reloads it
    });
    ["dragenter", "dragover"].forEach(function (type) {
      form.addEventListener(type, function (event) {
        if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types || [], "Files") < 0) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        textBox.classList.add("dragging");
      });
    });
    ["dragleave", "dragend"].forEach(function (type) {
      form.addEventListener(type, function () { textBox.classList.remove("dragging"); });
    });
    form.addEventListener("drop", function (event) {
      textBox.classList.remove("dragging");
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) return; // dropped text: let the textarea take it
      event.preventDefault();
      loadFile(files[0]);
    });

    article.addEventListener("keydown", onArticleKey);
    article.addEventListener("mouseover", function (event) {
      var node = event.target.closest(".sent") || activeSentence();
      if (node) showTip(node); else hideTip();
    });
    article.addEventListener("mouseleave", function () {
      var focused = activeSentence();
      if (focused) showTip(focused); else hideTip();
    });
    article.addEventListener("focusin", function (event) {
      var node = event.target.closest(".sent");
      if (!node) return;
      node.setAttribute("aria-describedby", "tip");
      state.sentEls.forEach(function (s) { if (s !== node) s.setAttribute("tabindex", "-1"); });
      node.setAttribute("tabindex", "0");
      showTip(node);
    });
    article.addEventListener("focusout", function (event) {
      var node = event.target.closest(".sent");
      if (node) node.removeAttribute("aria-describedby");
      hideTip();
    });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") hideTip(); });
    window.addEventListener("resize", function () { if (tipNode && !tip.hidden) showTip(tipNode); });

    $("export-json").addEventListener("click", exportJSON);
    $("export-csv").addEventListener("click", exportCSV);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
}());
