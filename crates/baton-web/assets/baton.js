// Baton's one script: keyboard shortcuts, SLA countdowns, drag and drop on the board,
// and a progress refresh. Everything still works without it: these are shortcuts to forms.
(function () {
  "use strict";
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  // [data-key="x"]: pressing x (outside a text field) clicks the element.
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    var el = document.querySelector('[data-key="' + (e.key === "/" ? "slash" : e.key) + '"]');
    if (!el) return;
    e.preventDefault();
    if (el.tagName === "INPUT" || el.tagName === "SELECT" || el.tagName === "TEXTAREA") el.focus();
    else el.click();
  });
  // [data-deadline="ISO"]: a countdown that turns red when late.
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Math.round((Date.parse(el.getAttribute("data-deadline")) - now) / 1000);
      var late = left < 0, s = Math.abs(left);
      var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
      var txt = (h ? h + ":" : "") + (h && m < 10 ? "0" : "") + m + ":" + (sec < 10 ? "0" : "") + sec;
      el.textContent = (late ? (el.getAttribute("data-late") || "late") + " " : "") + txt;
      el.classList.toggle("late", late);
    });
  }
  if (document.querySelector("[data-deadline]")) { tick(); setInterval(tick, 1000); }
  // The board: drag a .deal[data-move] onto a .column[data-stage]; the move is the same form
  // the list view posts, so the stage gates answer the same way.
  var dragged = null;
  document.addEventListener("dragstart", function (e) {
    var d = e.target.closest && e.target.closest(".deal[data-move]");
    if (!d) return;
    dragged = d; d.setAttribute("aria-grabbed", "true");
    e.dataTransfer.setData("text/plain", d.getAttribute("data-move"));
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.setAttribute("aria-grabbed", "false");
    dragged = null;
    document.querySelectorAll(".column.over").forEach(function (c) { c.classList.remove("over"); });
  });
  document.addEventListener("dragover", function (e) {
    var c = e.target.closest && e.target.closest(".column[data-stage]");
    if (c && dragged) { e.preventDefault(); c.classList.add("over"); }
  });
  document.addEventListener("dragleave", function (e) {
    var c = e.target.closest && e.target.closest(".column[data-stage]");
    if (c) c.classList.remove("over");
  });
  document.addEventListener("drop", function (e) {
    var c = e.target.closest && e.target.closest(".column[data-stage]");
    if (!c || !dragged) return;
    e.preventDefault();
    var f = document.createElement("form");
    f.method = "post"; f.action = dragged.getAttribute("data-move");
    var i = document.createElement("input");
    i.type = "hidden"; i.name = "stage"; i.value = c.getAttribute("data-stage");
    f.appendChild(i);
    // The session's CSRF token (the page shell puts it in every form it renders; this one is
    // built here).
    var m = document.querySelector('meta[name="csrf-token"]');
    if (m) {
      var t = document.createElement("input");
      t.type = "hidden"; t.name = "csrf"; t.value = m.getAttribute("content");
      f.appendChild(t);
    }
    document.body.appendChild(f); f.submit();
  });
  // [data-queue]: the navigation's counts, kept current by the server's event stream. A page
  // with [data-watch="queue"] (the inboxes) reloads when its queue changes, so a new lead shows
  // without a click — unless the person is typing in it.
  var queues = document.querySelectorAll("[data-queue]");
  if (queues.length && window.EventSource) {
    var watch = document.querySelector("[data-watch]");
    var events = new EventSource("/events/queues");
    events.addEventListener("queues", function (e) {
      var q;
      try { q = JSON.parse(e.data); } catch (x) { return; }
      queues.forEach(function (el) {
        var n = q[el.getAttribute("data-queue")];
        if (typeof n !== "number") return;
        el.textContent = String(n);
        el.hidden = n === 0;
      });
      if (watch) {
        var n = q[watch.getAttribute("data-watch")];
        var was = parseInt(watch.getAttribute("data-count"), 10);
        if (typeof n === "number" && n !== was && !typing({ target: document.activeElement })) {
          events.close();
          location.reload();
        }
      }
    });
  }
  // [data-refresh="ms"]: reload while a long job runs (the page shows its progress).
  var r = document.querySelector("[data-refresh]");
  if (r) setTimeout(function () { location.reload(); }, parseInt(r.getAttribute("data-refresh"), 10) || 1000);
})();
