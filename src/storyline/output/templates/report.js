/* storyline report: sentence highlighting and filtering. Vanilla JS, no network. */
(function () {
  "use strict";

  // Offsets in the dossier count Unicode code points; JS strings count UTF-16 units.
  function cpToIndex(str, cp) {
    var i = 0, n = 0;
    while (n < cp && i < str.length) {
      var c = str.charCodeAt(i);
      i += (c >= 0xd800 && c < 0xdc00 && i + 1 < str.length) ? 2 : 1;
      n++;
    }
    return i;
  }

  function reveal(el) {
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
      if (p.classList && p.classList.contains("is-hidden")) p.classList.remove("is-hidden");
    }
  }

  var marked = [];
  function clearMarks() {
    marked.forEach(function (p) { p.textContent = p.textContent; });
    marked = [];
  }

  // "#a-<article>-<start>-<end>": open the article and wrap that span of its text in <mark>.
  function highlight(hash) {
    var m = /^#a-(.+)-(\d+)-(\d+)$/.exec(hash);
    if (!m) return false;
    var id = m[1], start = +m[2], end = +m[3];
    try { id = decodeURIComponent(id); } catch (e) { /* keep it raw */ }
    var art = document.getElementById("a-" + id);
    if (!art) return false;
    clearMarks();
    var first = null;
    var paras = art.querySelectorAll(".body p[data-start]");
    for (var i = 0; i < paras.length; i++) {
      var p = paras[i], ps = +p.dataset.start, pe = +p.dataset.end;
      if (pe <= start || ps >= end) continue;
      var text = p.textContent;
      var a = cpToIndex(text, Math.max(start, ps) - ps);
      var b = cpToIndex(text, Math.min(end, pe) - ps);
      var mark = document.createElement("mark");
      mark.textContent = text.slice(a, b);
      p.textContent = "";
      p.append(text.slice(0, a), mark, text.slice(b));
      marked.push(p);
      if (!first) first = mark;
    }
    reveal(first || art);
    (first || art).scrollIntoView({ block: first ? "center" : "start" });
    return true;
  }

  function follow() {
    var hash = location.hash;
    if (!hash || hash.length < 2) return;
    if (highlight(hash)) return;
    var id = hash.slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* keep it raw */ }
    var el = document.getElementById(id);
    if (el) { reveal(el); el.scrollIntoView({ block: "start" }); }
  }
  window.addEventListener("hashchange", follow);
  // Clicking a link to the hash already in the address bar fires no hashchange.
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[href^='#']");
    if (a && a.getAttribute("href") === location.hash) { ev.preventDefault(); follow(); }
  });

  // Filtering: free text over articles and quotes, plus outlet chips (OR between chips).
  var input = document.getElementById("flt");
  var count = document.getElementById("flt-count");
  var items = Array.prototype.slice.call(document.querySelectorAll(".js-item"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".js-group"));
  var chips = Array.prototype.slice.call(document.querySelectorAll(".chip"));
  var haystack = new Map();
  var timer = 0;

  function apply() {
    var q = (input ? input.value : "").trim().toLowerCase();
    var outlets = chips.filter(function (c) { return c.getAttribute("aria-pressed") === "true"; })
      .map(function (c) { return c.dataset.outlet; });
    var active = q !== "" || outlets.length > 0;
    var shown = { art: 0, quote: 0 }, total = { art: 0, quote: 0 };
    items.forEach(function (el) {
      var kind = el.classList.contains("art") ? "art" : "quote";
      total[kind]++;
      var ok = true;
      if (outlets.length && outlets.indexOf(el.dataset.outlet || "") < 0) ok = false;
      if (ok && q) {
        var h = haystack.get(el);
        if (h === undefined) {
          h = ((el.dataset.search || "") + " " + el.textContent).toLowerCase();
          haystack.set(el, h);
        }
        ok = h.indexOf(q) >= 0;
      }
      el.classList.toggle("is-hidden", !ok);
      if (ok) shown[kind]++;
    });
    groups.forEach(function (g) {
      g.classList.toggle("is-hidden", active && !g.querySelector(".js-item:not(.is-hidden)"));
      if (active) {
        var more = g.querySelector(".more-quotes");
        if (more && more.querySelector(".js-item:not(.is-hidden)")) more.open = true;
      }
    });
    if (count) {
      count.textContent = active
        ? shown.art + " of " + total.art + " articles, " + shown.quote + " of " + total.quote + " quotes"
        : "";
    }
  }

  if (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      // The first search over a big dossier reads every article once; say so while it runs.
      if (count && items.length > 2000 && haystack.size === 0) count.textContent = "filtering…";
      timer = setTimeout(apply, items.length > 2000 ? 250 : 60);
    });
  }
  chips.forEach(function (c) {
    c.addEventListener("click", function () {
      c.setAttribute("aria-pressed", c.getAttribute("aria-pressed") === "true" ? "false" : "true");
      apply();
    });
  });

  // Printing a small dossier shows the article texts; a big one would run to thousands of pages.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    var texts = document.querySelectorAll("details.text:not([open])");
    if (texts.length > 200) return;
    texts.forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", follow);
  } else {
    follow();
  }
})();
