/* The page's summary panel, sources list and sentence tooltip, drawn from an API answer. Needs dom.js.
 *
 * Everything that comes from the user or the API goes in the page as text nodes, never as HTML.
 */
(function () {
  "use strict";

  var F = window.Framing = window.Framing || {};
  var LABELS = F.LABELS, CUE_NAMES = F.CUE_NAMES, STANCES = F.STANCES, STANCE_MARK = F.STANCE_MARK;
  var el = F.el, clear = F.clear, pct = F.pct, plural = F.plural;
  var $ = function (id) { return document.getElementById(id); };

  // The share bar, the counts, the claims stated as fact (links call focusSentence(index, true)).
  function renderSummary(data, focusSentence) {
    var summary = data.summary;
    var counts = summary.counts || {};
    var shares = summary.shares || {};
    var bar = $("bar");
    var shareList = $("shares");
    clear(bar);
    clear(shareList);
    var spoken = [];
    LABELS.forEach(function (label) {
      var share = Number(shares[label]) || 0;
      var count = counts[label] || 0;
      spoken.push(label + " " + pct(share));
      if (share > 0) {
        var seg = el("span", { class: "seg lab-" + label, title: label + ": " + pct(share) });
        seg.style.width = (share * 100) + "%";
        bar.append(seg);
      }
      shareList.append(el("li", { "data-label": label },
        el("span", { class: "key lab-" + label, "aria-hidden": "true" }),
        el("span", null, label + " ", el("strong", null, pct(share)), " (" + count + ")")));
    });
    bar.setAttribute("aria-label", "Share of sentences: " + spoken.join(", "));
    var n = summary.sentences || data.sentences.length;
    var unattributed = Number(shares.unattributed_asserted) || 0;
    $("unattributed").textContent = "Stated as fact with no source: " + pct(unattributed) + " of the sentences (" +
      Math.round(unattributed * n) + " of " + n + ").";
    var facts = $("facts");
    clear(facts);
    (summary.claims_as_fact || []).forEach(function (fact) {
      var link = el("a", { href: "#s-" + fact.index, "data-index": fact.index }, fact.text);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        focusSentence(fact.index, true);
      });
      var note = fact.level ? fact.level + ", commitment " + Number(fact.commitment).toFixed(2) : "asserted " + pct(fact.score);
      facts.append(el("li", null, link, " ", el("span", { class: "score" }, "(" + note + ")")));
    });
    if (!facts.firstChild) facts.append(el("li", null, "None: every claim stated as fact has a source."));
    var strong = summary.assertiveness;
    $("unattributed").textContent += strong && strong.mean !== null ? " Assertiveness (mean commitment of the " +
      plural(strong.claims, "claim", "claims") + "): " + Number(strong.mean).toFixed(2) + "." : "";
  }

  // The tooltip of sentence i (0-based): its label, scores, strength, cues and sources.
  function fillTip(tip, s, i) {
    clear(tip);
    tip.append(el("p", null, el("strong", null, "Sentence " + (i + 1) + ": " + s.label)));
    var table = el("table");
    LABELS.forEach(function (label) {
      var score = Number((s.scores || {})[label]) || 0;
      var fill = el("span");
      fill.style.width = Math.round(score * 100) + "%";
      table.append(el("tr", { class: label === s.label ? "best" : null },
        el("td", null, label), el("td", { class: "num" }, pct(score)),
        el("td", null, el("span", { class: "meter", "aria-hidden": "true" }, fill))));
    });
    tip.append(table);
    if (s.strength && s.strength.level) {
      tip.append(el("p", null, "Strength: " + s.strength.level + " (commitment " + s.strength.commitment.toFixed(2) +
        "), sourcing: " + s.strength.sourcing));
    }
    var items = [];
    (s.cues || []).forEach(function (c) {
      items.push("\u201c" + c.text + "\u201d: " + (CUE_NAMES[c.type] || c.type) + (c.stance ? " (" + c.stance + ")" : ""));
    });
    (s.attributions || []).forEach(function (a) {
      if (a.source) items.push("source: " + a.source.text + (a.stance ? " (" + a.stance + ")" : "") +
                               (a.sourcing ? ", " + a.sourcing : ""));
    });
    if (items.length) {
      var ul = el("ul");
      items.forEach(function (t) { ul.append(el("li", null, t)); });
      tip.append(ul);
    }
  }

  // The sources list: one button per source (pickSource(k) on click), its stances and verbs.
  function renderSources(sources, sentencesOut, pickSource) {
    var list = $("sources");
    clear(list);
    $("no-sources").hidden = sources.length > 0;
    sources.forEach(function (src, k) {
      var claims = src.claims || 0;
      var sentences = src.sentences || [];
      var btn = el("button", { class: "source-btn", type: "button", "aria-pressed": "false", "data-source": k },
        el("span", { class: "source-name" }, src.name),
        el("span", { class: "source-claims" }, plural(claims, "claim", "claims") + " \u00b7 " +
          (sentences.length === 1 ? "sentence " : "sentences ") + sentences.map(function (i) { return i + 1; }).join(", ")));
      btn.addEventListener("click", function () { pickSource(k); });
      var stanceList = el("ul", { class: "stances", "aria-label": "Stance of the verbs" });
      STANCES.forEach(function (stance) {
        var count = (src.stances || {})[stance] || 0;
        if (!count) return;
        stanceList.append(el("li", { class: "stance stance-" + stance, "data-stance": stance, "data-count": count },
          el("span", { "aria-hidden": "true" }, STANCE_MARK[stance] + " "), stance + " " + count));
      });
      var verbs = sourceVerbs(src, sentencesOut);
      var verbLine = null;
      if (verbs.length) {
        verbLine = el("p", { class: "verbs" }, "through ");
        verbs.forEach(function (v, j) {
          if (j) verbLine.append(", ");
          verbLine.append(el("q", null, v));
        });
      }
      list.append(el("li", { class: "source", "data-source-name": src.name }, btn, stanceList, verbLine));
    });
  }

  // The verbs as written ("en prétextant"), from the attributions whose source is a mention of `src`.
  function sourceVerbs(src, sentencesOut) {
    var mentions = {};
    (src.mentions || []).forEach(function (m) { mentions[m.start + ":" + m.end] = true; });
    var out = [];
    (src.sentences || []).forEach(function (i) {
      var s = sentencesOut[i];
      if (!s) return;
      (s.attributions || []).forEach(function (a) {
        if (a.source && a.cue && mentions[a.source.start + ":" + a.source.end] && out.indexOf(a.cue.text) < 0) {
          out.push(a.cue.text);
        }
      });
    });
    if (!out.length && Array.isArray(src.cues)) out = src.cues.slice();
    return out;
  }

  F.renderSummary = renderSummary;
  F.renderSources = renderSources;
  F.fillTip = fillTip;
}());
