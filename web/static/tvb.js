/* TVB viewer: suggestions as you type on the search box.
   The list is built with textContent only (never innerHTML), so names in the data can
   never become markup.  Keyboard: ArrowDown moves from the box into the list, ArrowUp/
   ArrowDown move within it, Escape closes it and returns to the box. */
(function () {
  "use strict";

  function init() {
    var input = document.getElementById("q");
    var list = document.getElementById("suggestions");
    var status = document.getElementById("suggest-status");
    if (!input || !list || !input.dataset.suggest || !window.fetch) { return; }
    var timer = null;
    var seq = 0;
    var lang = new URLSearchParams(window.location.search).get("lang");

    function close() {
      list.hidden = true;
      while (list.firstChild) { list.removeChild(list.firstChild); }
    }

    function show(rows) {
      close();
      rows.forEach(function (row) {
        if (!row.url) { return; }
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = row.url;
        var kind = document.createElement("span");
        kind.className = "kindtag";
        kind.textContent = row.kind;
        a.appendChild(kind);
        a.appendChild(document.createTextNode(row.label));
        if (row.hint) {
          var hint = document.createElement("span");
          hint.className = "hint";
          hint.textContent = " — " + row.hint;
          a.appendChild(hint);
        }
        li.appendChild(a);
        list.appendChild(li);
      });
      var n = list.children.length;
      list.hidden = n === 0;
      if (status) { status.textContent = n ? (status.dataset.template || "{n}").replace("{n}", n) : ""; }
    }

    function ask() {
      var q = input.value;
      if (q.trim().length < 2) { close(); return; }
      var mine = ++seq;
      var url = input.dataset.suggest + "?q=" + encodeURIComponent(q) + (lang ? "&lang=" + encodeURIComponent(lang) : "");
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === seq) { show(data.suggestions || []); } })
        .catch(function () { /* suggestions are a convenience; the form still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 120);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && !list.hidden && list.firstChild) {
        ev.preventDefault();
        list.firstChild.firstChild.focus();
      } else if (ev.key === "Escape") {
        close();
      }
    });
    list.addEventListener("keydown", function (ev) {
      var li = ev.target.parentNode;
      if (ev.key === "ArrowDown" && li.nextSibling) {
        ev.preventDefault();
        li.nextSibling.firstChild.focus();
      } else if (ev.key === "ArrowUp") {
        ev.preventDefault();
        if (li.previousSibling) { li.previousSibling.firstChild.focus(); } else { input.focus(); }
      } else if (ev.key === "Escape") {
        ev.preventDefault();
        close();
        input.focus();
      }
    });
    document.addEventListener("click", function (ev) {
      if (ev.target !== input && !list.contains(ev.target)) { close(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
