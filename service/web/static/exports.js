/* The page's exports: the analysis as JSON (the API answer with its text) or as CSV (a row per
 * sentence), built as {name, type, content} and saved by download(). Needs dom.js.
 */
(function () {
  "use strict";

  var F = window.Framing = window.Framing || {};

  function stamp() {
    var d = new Date();
    var two = function (x) { return (x < 10 ? "0" : "") + x; };
    return d.getFullYear() + two(d.getMonth() + 1) + two(d.getDate()) + "-" + two(d.getHours()) + two(d.getMinutes()) + two(d.getSeconds());
  }

  // The API answer, preceded by the text its offsets index.
  function exportJSON(text, data) {
    var out = Object.assign({ text: text }, data);
    return { name: "analysis-" + stamp() + ".json", type: "application/json", content: JSON.stringify(out, null, 2) + "\n" };
  }

  // A CSV field; text that a spreadsheet would run as a formula gets a leading apostrophe.
  function csvText(value) {
    var s = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function csvRows(data) {
    var header = ["index", "start", "end", "label", "score_asserted", "score_attributed", "score_hedged", "score_none",
                  "cues", "sources", "stances", "level", "commitment", "sourcing", "text"];
    var rows = [header.join(",")];
    data.sentences.forEach(function (s) {
      var scores = s.scores || {};
      var cues = (s.cues || []).map(function (c) { return c.type + ": " + c.text; }).join("; ");
      var atts = s.attributions || [];
      var sources = atts.map(function (a) { return a.source ? a.source.text : "(unnamed)"; }).join("; ");
      var stances = atts.map(function (a) { return a.stance || ""; }).join("; ");
      var strength = s.strength || {};
      rows.push([s.index, s.start, s.end, csvText(s.label),
                 scores.asserted, scores.attributed, scores.hedged, scores.none,
                 csvText(cues), csvText(sources), csvText(stances), csvText(strength.level),
                 strength.commitment === null || strength.commitment === undefined ? "" : strength.commitment,
                 csvText(strength.sourcing), csvText(s.text)].join(","));
    });
    return rows.join("\r\n") + "\r\n";
  }

  // The byte-order mark lets spreadsheet programs read the accents as UTF-8.
  function exportCSV(data) {
    return { name: "analysis-" + stamp() + ".csv", type: "text/csv;charset=utf-8", content: "\ufeff" + csvRows(data) };
  }

  function download(file) {
    var url = URL.createObjectURL(new Blob([file.content], { type: file.type }));
    var link = F.el("a", { href: url, download: file.name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
    return file.name;
  }

  F.exportJSON = exportJSON;
  F.exportCSV = exportCSV;
  F.csvText = csvText;
  F.download = download;
}());
