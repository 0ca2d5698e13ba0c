// AcademicHub page behaviour: KaTeX for $…$ in titles and abstracts, abstract expand/collapse,
// auto-submitting selects and delete confirmations. Loaded as a file: the CSP forbids inline script.
(function () {
  "use strict";

  var MATH_OPTIONS = {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "\\[", right: "\\]", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false }
    ],
    throwOnError: false,
    ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option", "input"]
  };

  function renderMath(root) {
    if (typeof window.renderMathInElement !== "function") return;
    var nodes = root.querySelectorAll ? root.querySelectorAll(".math:not([data-math-done])") : [];
    var list = Array.prototype.slice.call(nodes);
    if (root.classList && root.classList.contains("math") && !root.dataset.mathDone) list.push(root);
    list.forEach(function (el) {
      el.dataset.mathDone = "1";
      try { window.renderMathInElement(el, MATH_OPTIONS); } catch (e) { /* leave the text as it is */ }
    });
  }

  function setUpToggles(root) {
    root.querySelectorAll(".toggle-abstract:not([data-ready])").forEach(function (button) {
      button.dataset.ready = "1";
      var text = document.getElementById(button.getAttribute("aria-controls"));
      if (!text) return;
      if (text.scrollHeight <= text.clientHeight + 2) { button.hidden = true; }
      button.addEventListener("click", function () {
        var open = text.classList.toggle("clamped") === false;
        button.setAttribute("aria-expanded", open ? "true" : "false");
        button.textContent = open ? button.dataset.less : button.dataset.more;
      });
    });
  }

  function setUpForms(root) {
    root.querySelectorAll("select.auto-submit:not([data-ready])").forEach(function (select) {
      select.dataset.ready = "1";
      select.addEventListener("change", function () { if (select.form) select.form.submit(); });
    });
    root.querySelectorAll("button.confirm:not([data-ready])").forEach(function (button) {
      button.dataset.ready = "1";
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.dataset.confirm || "?")) event.preventDefault();
      });
    });
  }

  function init(root) {
    renderMath(root);
    setUpToggles(root);
    setUpForms(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document.body);
    document.body.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
    document.body.classList.add("js");
  });
})();
